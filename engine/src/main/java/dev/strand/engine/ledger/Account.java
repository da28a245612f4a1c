package dev.strand.engine.ledger;

import dev.strand.engine.spi.Nullable;

/**
 * An account's state. Amounts are integers in minor units. Its derived binary form (owner, currency, balance,
 * overdraftLimit, status as a string) is the layout snapshots and state hashes have had since release 0.1.
 *
 * @param balance        never below {@code -overdraftLimit}.
 * @param overdraftLimit how far below zero the balance may go (>= 0).
 */
public record Account(@Nullable String owner, @Nullable String currency, long balance, long overdraftLimit, Status status)
{
    /** The state of an account that does not exist yet. */
    public static final Account NONE = new Account(null, null, 0, 0, Status.closed);

    /** Written by name, as the API shows it ({@code "status": "open"}): hence the lower-case constants. */
    public enum Status
    {
        open, closed
    }

    public boolean open()
    {
        return status == Status.open;
    }

    Account withBalance(final long newBalance)
    {
        return new Account(owner, currency, newBalance, overdraftLimit, status);
    }
}
