package dev.strand.engine.ledger;

import dev.strand.engine.ledger.LedgerEvents.AccountClosed;
import dev.strand.engine.ledger.LedgerEvents.AccountOpened;
import dev.strand.engine.ledger.LedgerEvents.Deposited;
import dev.strand.engine.ledger.LedgerEvents.TransferReceived;
import dev.strand.engine.ledger.LedgerEvents.TransferSent;
import dev.strand.engine.ledger.LedgerEvents.Withdrawn;
import dev.strand.engine.spi.EventMeta;
import dev.strand.engine.spi.Projection;

/**
 * The ledger's projection {@value #NAME}: one row per currency, keyed by the currency code, with the total balance
 * of the accounts opened in it (open or closed: a closed account's balance is still the ledger's) and how many of
 * them are open. An account's opening chooses its row; its later events reach the same row through
 * {@link EventMeta#previousKey()}, since they do not carry the currency. Amounts are in minor units, as the events'.
 */
public final class BalancesByCurrency extends Projection<BalancesByCurrency.CurrencyBalance>
{
    public static final String NAME = "balances-by-currency";

    /**
     * @param balance      the sum of the currency's accounts' balances.
     * @param openAccounts the currency's accounts that are open.
     */
    public record CurrencyBalance(long balance, long openAccounts)
    {
        static final CurrencyBalance NONE = new CurrencyBalance(0, 0);

        CurrencyBalance plus(final long amount)
        {
            return new CurrencyBalance(balance + amount, openAccounts);
        }
    }

    public BalancesByCurrency()
    {
        super(NAME, CurrencyBalance.class);
        on(AccountOpened.class, (e, meta) -> e.currency(), (row, e, meta) ->
        {
            final CurrencyBalance r = row == null ? CurrencyBalance.NONE : row;
            return new CurrencyBalance(r.balance() + e.balance(), r.openAccounts() + 1);
        });
        on(Deposited.class, BalancesByCurrency::sameRow, (row, e, meta) -> row.plus(e.amount()));
        on(Withdrawn.class, BalancesByCurrency::sameRow, (row, e, meta) -> row.plus(-e.amount()));
        on(TransferSent.class, BalancesByCurrency::sameRow, (row, e, meta) -> row.plus(-e.amount()));
        on(TransferReceived.class, BalancesByCurrency::sameRow, (row, e, meta) -> row.plus(e.amount()));
        on(AccountClosed.class, BalancesByCurrency::sameRow,
            (row, e, meta) -> new CurrencyBalance(row.balance(), row.openAccounts() - 1));
    }

    /** The currency the account was opened in: the row its opening went to. */
    private static String sameRow(final Record event, final EventMeta meta)
    {
        return meta.previousKey();
    }
}
