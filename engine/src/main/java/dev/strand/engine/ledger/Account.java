package dev.strand.engine.ledger;

/**
 * An account's state. Amounts are integers in minor units.
 *
 * @param balance        never below {@code -overdraftLimit}.
 * @param overdraftLimit how far below zero the balance may go (>= 0).
 */
public record Account(String owner, String currency, long balance, long overdraftLimit, boolean open)
{
    /** The state of an account that does not exist yet. */
    public static final Account NONE = new Account(null, null, 0, 0, false);

    Account withBalance(final long newBalance)
    {
        return new Account(owner, currency, newBalance, overdraftLimit, open);
    }
}
