package dev.strand.engine.ledger;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.ledger.LedgerCommands.CloseAccount;
import dev.strand.engine.ledger.LedgerCommands.Deposit;
import dev.strand.engine.ledger.LedgerCommands.OpenAccount;
import dev.strand.engine.ledger.LedgerCommands.Transfer;
import dev.strand.engine.ledger.LedgerCommands.Withdraw;
import dev.strand.engine.ledger.LedgerEvents.AccountClosed;
import dev.strand.engine.ledger.LedgerEvents.AccountOpened;
import dev.strand.engine.ledger.LedgerEvents.Deposited;
import dev.strand.engine.ledger.LedgerEvents.TransferReceived;
import dev.strand.engine.ledger.LedgerEvents.TransferSent;
import dev.strand.engine.ledger.LedgerEvents.Withdrawn;
import dev.strand.engine.spi.AggregateIds;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.DecideContext;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;
import dev.strand.engine.spi.InvalidFieldException;

import java.util.List;

/**
 * The built-in ledger, aggregate type {@code account}: the reference module for users. Amounts are integers in
 * minor units; balances never go below {@code -overdraftLimit}. Rules and codes follow docs/api.md.
 */
public final class LedgerModule extends AggregateModule<Account>
{
    public static final String TYPE = "account";
    public static final String DEFAULT_CURRENCY = "EUR";
    public static final int MAX_OWNER_LENGTH = 256;

    public static final String INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS";
    public static final String ACCOUNT_CLOSED = "ACCOUNT_CLOSED";
    public static final String SAME_ACCOUNT = "SAME_ACCOUNT";
    public static final String CURRENCY_MISMATCH = "CURRENCY_MISMATCH";
    public static final String BALANCE_NOT_ZERO = "BALANCE_NOT_ZERO";
    public static final String BALANCE_OVERFLOW = "BALANCE_OVERFLOW";

    private final List<CommandType<Account, ?>> commandTypes = List.of(
        CommandType.of("OpenAccount", LedgerModule::decodeOpen, LedgerModule::open),
        CommandType.of("Deposit", in -> new Deposit(amount(in)), LedgerModule::deposit),
        CommandType.of("Withdraw", in -> new Withdraw(amount(in)), LedgerModule::withdraw),
        CommandType.of("Transfer", LedgerModule::decodeTransfer, LedgerModule::transfer),
        CommandType.of("CloseAccount", in -> CloseAccount.INSTANCE, LedgerModule::close));

    private final List<EventType<Account, ?>> eventTypes = List.of(
        EventType.of(
            "AccountOpened",
            AccountOpened.class,
            (e, out) -> out.writeString("owner", e.owner()).writeString("currency", e.currency())
                .writeLong("overdraftLimit", e.overdraftLimit()).writeLong("balance", e.balance()),
            in -> new AccountOpened(
                in.readString("owner", null), in.readString("currency"), in.readLong("overdraftLimit"), in.readLong("balance")),
            (s, e) -> new Account(e.owner(), e.currency(), e.balance(), e.overdraftLimit(), true)),
        EventType.of(
            "Deposited",
            Deposited.class,
            (e, out) -> out.writeLong("amount", e.amount()).writeLong("balance", e.balance()),
            in -> new Deposited(in.readLong("amount"), in.readLong("balance")),
            (s, e) -> s.withBalance(e.balance())),
        EventType.of(
            "Withdrawn",
            Withdrawn.class,
            (e, out) -> out.writeLong("amount", e.amount()).writeLong("balance", e.balance()),
            in -> new Withdrawn(in.readLong("amount"), in.readLong("balance")),
            (s, e) -> s.withBalance(e.balance())),
        EventType.of(
            "TransferSent",
            TransferSent.class,
            (e, out) -> out.writeString("to", e.to()).writeLong("amount", e.amount()).writeLong("balance", e.balance()),
            in -> new TransferSent(in.readString("to"), in.readLong("amount"), in.readLong("balance")),
            (s, e) -> s.withBalance(e.balance())),
        EventType.of(
            "TransferReceived",
            TransferReceived.class,
            (e, out) -> out.writeString("from", e.from()).writeLong("amount", e.amount()).writeLong("balance", e.balance()),
            in -> new TransferReceived(in.readString("from"), in.readLong("amount"), in.readLong("balance")),
            (s, e) -> s.withBalance(e.balance())),
        EventType.of(
            "AccountClosed",
            AccountClosed.class,
            (e, out) -> out.writeLong("balance", e.balance()),
            in -> new AccountClosed(in.readLong("balance")),
            (s, e) -> new Account(s.owner(), s.currency(), e.balance(), s.overdraftLimit(), false)));

    @Override
    public String aggregateType()
    {
        return TYPE;
    }

    @Override
    public Account initialState()
    {
        return Account.NONE;
    }

    @Override
    public List<CommandType<Account, ?>> commandTypes()
    {
        return commandTypes;
    }

    @Override
    public List<EventType<Account, ?>> eventTypes()
    {
        return eventTypes;
    }

    @Override
    public void writeState(final Account state, final FieldWriter out)
    {
        out.writeString("owner", state.owner())
            .writeString("currency", state.currency())
            .writeLong("balance", state.balance())
            .writeLong("overdraftLimit", state.overdraftLimit())
            .writeString("status", state.open() ? "open" : "closed");
    }

    @Override
    public Account readState(final FieldReader in)
    {
        return new Account(
            in.readString("owner", null),
            in.readString("currency", null),
            in.readLong("balance"),
            in.readLong("overdraftLimit"),
            "open".equals(in.readString("status")));
    }

    private static long amount(final FieldReader in)
    {
        final long amount = in.readLong("amount");
        if (amount <= 0)
        {
            throw new InvalidFieldException("amount", "amount must be a positive integer (minor units)");
        }
        return amount;
    }

    private static OpenAccount decodeOpen(final FieldReader in)
    {
        final String owner = in.readString("owner", null);
        if (owner != null && owner.length() > MAX_OWNER_LENGTH)
        {
            throw new InvalidFieldException("owner", "owner must be at most " + MAX_OWNER_LENGTH + " characters");
        }
        final String currency = in.readString("currency", DEFAULT_CURRENCY);
        if (!currency.matches("[A-Z]{3}"))
        {
            throw new InvalidFieldException("currency", "currency must be a three-letter ISO 4217 code such as EUR");
        }
        final long overdraftLimit = in.readLong("overdraftLimit", 0);
        if (overdraftLimit < 0)
        {
            throw new InvalidFieldException("overdraftLimit", "overdraftLimit must be >= 0");
        }
        return new OpenAccount(owner, currency, overdraftLimit);
    }

    private static Transfer decodeTransfer(final FieldReader in)
    {
        final String to = in.readString("to");
        if (!AggregateIds.isValid(to))
        {
            throw new InvalidFieldException("to", "to must be 1..128 characters of [A-Za-z0-9._:-]");
        }
        return new Transfer(to, amount(in));
    }

    private static Rejection open(final String id, final OpenAccount cmd, final DecideContext<Account> ctx)
    {
        if (ctx.exists(id))
        {
            return Rejection.exists(id);
        }
        ctx.emit(id, new AccountOpened(cmd.owner(), cmd.currency(), cmd.overdraftLimit(), 0));
        return null;
    }

    private static Rejection deposit(final String id, final Deposit cmd, final DecideContext<Account> ctx)
    {
        final Rejection missing = requireOpen(id, ctx);
        if (missing != null)
        {
            return missing;
        }
        final Account account = ctx.state(id);
        if (account.balance() > Long.MAX_VALUE - cmd.amount())
        {
            return Rejection.business(BALANCE_OVERFLOW, "the deposit would overflow the balance of " + id);
        }
        ctx.emit(id, new Deposited(cmd.amount(), account.balance() + cmd.amount()));
        return null;
    }

    private static Rejection withdraw(final String id, final Withdraw cmd, final DecideContext<Account> ctx)
    {
        final Rejection missing = requireOpen(id, ctx);
        if (missing != null)
        {
            return missing;
        }
        final Account account = ctx.state(id);
        if (!canDebit(account, cmd.amount()))
        {
            return Rejection.business(INSUFFICIENT_FUNDS, "account " + id + " has " + account.balance() +
                " with overdraft limit " + account.overdraftLimit() + "; cannot withdraw " + cmd.amount());
        }
        ctx.emit(id, new Withdrawn(cmd.amount(), account.balance() - cmd.amount()));
        return null;
    }

    private static Rejection transfer(final String id, final Transfer cmd, final DecideContext<Account> ctx)
    {
        final Rejection missing = requireOpen(id, ctx);
        if (missing != null)
        {
            return missing;
        }
        if (id.equals(cmd.to()))
        {
            return Rejection.business(SAME_ACCOUNT, "cannot transfer from " + id + " to itself");
        }
        final Rejection targetMissing = requireOpen(cmd.to(), ctx);
        if (targetMissing != null)
        {
            return targetMissing;
        }
        final Account source = ctx.state(id);
        final Account target = ctx.state(cmd.to());
        if (!source.currency().equals(target.currency()))
        {
            return Rejection.business(CURRENCY_MISMATCH,
                "account " + id + " is in " + source.currency() + ", " + cmd.to() + " in " + target.currency());
        }
        if (!canDebit(source, cmd.amount()))
        {
            return Rejection.business(INSUFFICIENT_FUNDS, "account " + id + " has " + source.balance() +
                " with overdraft limit " + source.overdraftLimit() + "; cannot transfer " + cmd.amount());
        }
        if (target.balance() > Long.MAX_VALUE - cmd.amount())
        {
            return Rejection.business(BALANCE_OVERFLOW, "the transfer would overflow the balance of " + cmd.to());
        }
        ctx.emit(id, new TransferSent(cmd.to(), cmd.amount(), source.balance() - cmd.amount()));
        ctx.emit(cmd.to(), new TransferReceived(id, cmd.amount(), target.balance() + cmd.amount()));
        return null;
    }

    private static Rejection close(final String id, final CloseAccount cmd, final DecideContext<Account> ctx)
    {
        final Rejection missing = requireOpen(id, ctx);
        if (missing != null)
        {
            return missing;
        }
        final Account account = ctx.state(id);
        if (account.balance() != 0)
        {
            return Rejection.business(BALANCE_NOT_ZERO, "account " + id + " has balance " + account.balance());
        }
        ctx.emit(id, new AccountClosed(0));
        return null;
    }

    private static Rejection requireOpen(final String id, final DecideContext<Account> ctx)
    {
        if (!ctx.exists(id))
        {
            return Rejection.notFound(id);
        }
        if (!ctx.state(id).open())
        {
            return Rejection.business(ACCOUNT_CLOSED, "account " + id + " is closed");
        }
        return null;
    }

    /** Whether {@code amount} can leave the account without going below {@code -overdraftLimit}. */
    private static boolean canDebit(final Account account, final long amount)
    {
        return amount - account.overdraftLimit() <= account.balance();
    }
}
