package dev.strand.engine.ledger;

/** The ledger's events; each carries the resulting balance. */
public final class LedgerEvents
{
    private LedgerEvents()
    {
    }

    public record AccountOpened(String owner, String currency, long overdraftLimit, long balance)
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
