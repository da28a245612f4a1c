package dev.strand.engine.ledger;

import dev.strand.engine.spi.Nullable;

/**
 * The ledger's events; each carries the resulting balance. All at schema version 1: their derived binary layout is
 * the one release 0.1 journaled (strings as a length and UTF-8, longs as 8 bytes, in component order).
 */
public final class LedgerEvents
{
    private LedgerEvents()
    {
    }

    public record AccountOpened(@Nullable String owner, String currency, long overdraftLimit, long balance)
    {
    }

    public record Deposited(long amount, long balance)
    {
    }

    public record Withdrawn(long amount, long balance)
    {
    }

    public record TransferSent(String to, long amount, long balance)
    {
    }

    public record TransferReceived(String from, long amount, long balance)
    {
    }

    public record AccountClosed(long balance)
    {
    }
}
