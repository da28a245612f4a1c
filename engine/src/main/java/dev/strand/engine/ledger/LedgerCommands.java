package dev.strand.engine.ledger;

import dev.strand.engine.spi.AggregateIds;
import dev.strand.engine.spi.Default;
import dev.strand.engine.spi.InvalidFieldException;
import dev.strand.engine.spi.Nullable;

import java.util.regex.Pattern;

/** The ledger's commands: their data is decoded by codecs derived from these records, validated by their constructors. */
public final class LedgerCommands
{
    public static final String DEFAULT_CURRENCY = "EUR";
    public static final int MAX_OWNER_LENGTH = 256;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private LedgerCommands()
    {
    }

    /**
     * The data fields are read as the hand-written decoder before records did (owner or null, currency or
     * {@value #DEFAULT_CURRENCY}, overdraftLimit or 0), so these commands' fingerprints, journaled since journal
     * format 2, are the same.
     *
     * @param currency       three capital letters.
     * @param overdraftLimit >= 0.
     */
    public record OpenAccount(@Nullable String owner, @Default(DEFAULT_CURRENCY) String currency,
        @Default("0") long overdraftLimit)
    {
        public OpenAccount
        {
            if (owner != null && owner.length() > MAX_OWNER_LENGTH)
            {
                throw new InvalidFieldException("owner", "owner must be at most " + MAX_OWNER_LENGTH + " characters");
            }
            if (!CURRENCY.matcher(currency).matches())
            {
                throw new InvalidFieldException("currency", "currency must be a three-letter ISO 4217 code such as EUR");
            }
            if (overdraftLimit < 0)
            {
                throw new InvalidFieldException("overdraftLimit", "overdraftLimit must be >= 0");
            }
        }
    }

    public record Deposit(long amount)
    {
        public Deposit
        {
            positive(amount);
        }
    }

    public record Withdraw(long amount)
    {
        public Withdraw
        {
            positive(amount);
        }
    }

    public record Transfer(String to, long amount)
    {
        public Transfer
        {
            if (!AggregateIds.isValid(to))
            {
                throw new InvalidFieldException("to", "to must be 1..128 characters of [A-Za-z0-9._:-]");
            }
            positive(amount);
        }
    }

    public record CloseAccount()
    {
    }

    private static void positive(final long amount)
    {
        if (amount <= 0)
        {
            throw new InvalidFieldException("amount", "amount must be a positive integer (minor units)");
        }
    }
}
