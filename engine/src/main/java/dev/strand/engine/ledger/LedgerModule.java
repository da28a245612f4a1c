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
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.DecisionContext;
import dev.strand.engine.spi.RecordModule;

/**
 * The built-in ledger, aggregate type {@code account}: the reference module for users. Amounts are integers in
 * minor units; balances never go below {@code -overdraftLimit}. Rules and codes follow docs/api.md.
 *
 * <p>Written on SPI v2: commands, events and state are records ({@link LedgerCommands}, {@link LedgerEvents},
 * {@link Account}) whose codecs are derived; the derived layouts of the events and the state are the ones release
 * 0.1 stored, so its journals and snapshots read unchanged (OldReleaseFixtureTest).
 */
public final class LedgerModule extends RecordModule<Account>
{
    public static final String TYPE = "account";
    public static final String DEFAULT_CURRENCY = LedgerCommands.DEFAULT_CURRENCY;
    public static final int MAX_OWNER_LENGTH = LedgerCommands.MAX_OWNER_LENGTH;

    public static final String INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS";
    public static final String ACCOUNT_CLOSED = "ACCOUNT_CLOSED";
    public static final String SAME_ACCOUNT = "SAME_ACCOUNT";
    public static final String CURRENCY_MISMATCH = "CURRENCY_MISMATCH";
    public static final String BALANCE_NOT_ZERO = "BALANCE_NOT_ZERO";
    public static final String BALANCE_OVERFLOW = "BALANCE_OVERFLOW";

    public LedgerModule()
    {
        super(TYPE, Account.class, Account.NONE);
        command(OpenAccount.class, LedgerModule::open);
        command(Deposit.class, LedgerModule::deposit);
        command(Withdraw.class, LedgerModule::withdraw);
        command(Transfer.class, LedgerModule::transfer);
        command(CloseAccount.class, LedgerModule::close);

        event(AccountOpened.class,
            (s, e) -> new Account(e.owner(), e.currency(), e.balance(), e.overdraftLimit(), Account.Status.open));
        event(Deposited.class, (s, e) -> s.withBalance(e.balance()));
        event(Withdrawn.class, (s, e) -> s.withBalance(e.balance()));
        event(TransferSent.class, (s, e) -> s.withBalance(e.balance()));
        event(TransferReceived.class, (s, e) -> s.withBalance(e.balance()));
        event(AccountClosed.class,
            (s, e) -> new Account(s.owner(), s.currency(), e.balance(), s.overdraftLimit(), Account.Status.closed));
    }

    private static Decision open(final OpenAccount cmd, final DecisionContext<Account> ctx)
    {
        if (ctx.exists())
        {
            return Decision.reject(Rejection.exists(ctx.aggregateId()));
        }
        return Decision.accept(new AccountOpened(cmd.owner(), cmd.currency(), cmd.overdraftLimit(), 0));
    }

    private static Decision deposit(final Deposit cmd, final DecisionContext<Account> ctx)
    {
        final Rejection closed = requireOpen(ctx.aggregateId(), ctx.exists(), ctx.state());
        if (closed != null)
        {
            return Decision.reject(closed);
        }
        final Account account = ctx.state();
        if (account.balance() > Long.MAX_VALUE - cmd.amount())
        {
            return Decision.reject(BALANCE_OVERFLOW, "the deposit would overflow the balance of " + ctx.aggregateId());
        }
        return Decision.accept(new Deposited(cmd.amount(), account.balance() + cmd.amount()));
    }

    private static Decision withdraw(final Withdraw cmd, final DecisionContext<Account> ctx)
    {
        final Rejection closed = requireOpen(ctx.aggregateId(), ctx.exists(), ctx.state());
        if (closed != null)
        {
            return Decision.reject(closed);
        }
        final Account account = ctx.state();
        if (!canDebit(account, cmd.amount()))
        {
            return Decision.reject(INSUFFICIENT_FUNDS, "account " + ctx.aggregateId() + " has " + account.balance() +
                " with overdraft limit " + account.overdraftLimit() + "; cannot withdraw " + cmd.amount());
        }
        return Decision.accept(new Withdrawn(cmd.amount(), account.balance() - cmd.amount()));
    }

    private static Decision transfer(final Transfer cmd, final DecisionContext<Account> ctx)
    {
        final String id = ctx.aggregateId();
        final Rejection closed = requireOpen(id, ctx.exists(), ctx.state());
        if (closed != null)
        {
            return Decision.reject(closed);
        }
        if (id.equals(cmd.to()))
        {
            return Decision.reject(SAME_ACCOUNT, "cannot transfer from " + id + " to itself");
        }
        final Rejection targetClosed = requireOpen(cmd.to(), ctx.exists(Account.class, cmd.to()),
            ctx.state(Account.class, cmd.to()));
        if (targetClosed != null)
        {
            return Decision.reject(targetClosed);
        }
        final Account source = ctx.state();
        final Account target = ctx.state(Account.class, cmd.to());
        if (!source.currency().equals(target.currency()))
        {
            return Decision.reject(CURRENCY_MISMATCH,
                "account " + id + " is in " + source.currency() + ", " + cmd.to() + " in " + target.currency());
        }
        if (!canDebit(source, cmd.amount()))
        {
            return Decision.reject(INSUFFICIENT_FUNDS, "account " + id + " has " + source.balance() +
                " with overdraft limit " + source.overdraftLimit() + "; cannot transfer " + cmd.amount());
        }
        if (target.balance() > Long.MAX_VALUE - cmd.amount())
        {
            return Decision.reject(BALANCE_OVERFLOW, "the transfer would overflow the balance of " + cmd.to());
        }
        return Decision.accept(new TransferSent(cmd.to(), cmd.amount(), source.balance() - cmd.amount()))
            .andOn(cmd.to(), new TransferReceived(id, cmd.amount(), target.balance() + cmd.amount()));
    }

    private static Decision close(final CloseAccount cmd, final DecisionContext<Account> ctx)
    {
        final Rejection closed = requireOpen(ctx.aggregateId(), ctx.exists(), ctx.state());
        if (closed != null)
        {
            return Decision.reject(closed);
        }
        final Account account = ctx.state();
        if (account.balance() != 0)
        {
            return Decision.reject(BALANCE_NOT_ZERO, "account " + ctx.aggregateId() + " has balance " + account.balance());
        }
        return Decision.accept(new AccountClosed(0));
    }

    /** @return null when the account exists and is open, else why not. */
    private static Rejection requireOpen(final String id, final boolean exists, final Account account)
    {
        if (!exists)
        {
            return Rejection.notFound(id);
        }
        if (!account.open())
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
