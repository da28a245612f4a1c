package dev.strand.engine.ledger;

/** The ledger's commands, decoded at ingress. */
public final class LedgerCommands
{
    private LedgerCommands()
    {
    }

    public record OpenAccount(String owner, String currency, long overdraftLimit)
    {
    }

    public record Deposit(long amount)
    {
    }

    public record Withdraw(long amount)
    {
    }

    public record Transfer(String to, long amount)
    {
    }

    public record CloseAccount()
    {
        public static final CloseAccount INSTANCE = new CloseAccount();
    }
}
