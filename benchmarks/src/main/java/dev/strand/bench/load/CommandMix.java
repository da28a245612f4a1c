package dev.strand.bench.load;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Picks the next command of the configured mix and writes its JSON (the docs/api.md envelope). Not thread-safe: owned by
 * the scheduler thread. Deterministic for a given seed.
 */
public final class CommandMix
{
    /** The kinds of command the mix sends. */
    public enum Kind
    {
        OPEN, DEPOSIT, WITHDRAW, TRANSFER
    }

    /** Largest amount of a Deposit, Withdraw or Transfer (minor units); amounts are 1..MAX_AMOUNT. */
    static final int MAX_AMOUNT = 100;

    private final Weights weights;
    private final String prefix;
    private final int accounts;
    private final SplittableRandom random;
    private long opened;

    public CommandMix(final Weights weights, final String prefix, final int accounts, final long seed)
    {
        this.weights = weights;
        this.prefix = prefix;
        this.accounts = accounts;
        this.random = new SplittableRandom(seed);
    }

    /** The id of pool account {@code i} (0-based). */
    public static String accountId(final String prefix, final int i)
    {
        return prefix + i;
    }

    /** Picks a kind by weight. */
    public Kind nextKind()
    {
        int r = random.nextInt(weights.total());
        if ((r -= weights.open()) < 0)
        {
            return Kind.OPEN;
        }
        if ((r -= weights.deposit()) < 0)
        {
            return Kind.DEPOSIT;
        }
        if ((r -= weights.withdraw()) < 0)
        {
            return Kind.WITHDRAW;
        }
        return Kind.TRANSFER;
    }

    /** Appends the next command's JSON to {@code out} and returns its kind. */
    public Kind appendNext(final StringBuilder out)
    {
        final Kind kind = nextKind();
        switch (kind)
        {
            case OPEN -> out.append("{\"type\":\"OpenAccount\",\"aggregateId\":\"").append(prefix).append("new-").append(opened++)
                .append("\",\"data\":{\"owner\":\"bench\",\"currency\":\"EUR\"}}");
            case DEPOSIT -> appendAmount(out, "Deposit", randomAccount(), amount());
            case WITHDRAW -> appendAmount(out, "Withdraw", randomAccount(), amount());
            case TRANSFER ->
            {
                final int from = random.nextInt(accounts);
                int to = random.nextInt(accounts - 1);
                if (to >= from)
                {
                    to++;
                }
                out.append("{\"type\":\"Transfer\",\"aggregateId\":\"").append(prefix).append(from)
                    .append("\",\"data\":{\"to\":\"").append(prefix).append(to).append("\",\"amount\":").append(amount()).append("}}");
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return kind;
    }

    /** The body of one request: a single command, or a batch of {@code batch} commands. */
    public String nextBody(final int batch, final boolean atomic)
    {
        final StringBuilder sb = new StringBuilder(batch == 1 ? 96 : 32 + 100 * batch);
        if (batch == 1)
        {
            appendNext(sb);
            return sb.toString();
        }
        sb.append("{\"atomic\":").append(atomic).append(",\"commands\":[");
        for (int i = 0; i < batch; i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            appendNext(sb);
        }
        return sb.append("]}").toString();
    }

    static void appendAmount(final StringBuilder out, final String type, final String aggregateId, final long amount)
    {
        out.append("{\"type\":\"").append(type).append("\",\"aggregateId\":\"").append(aggregateId)
            .append("\",\"data\":{\"amount\":").append(amount).append("}}");
    }

    private String randomAccount()
    {
        return prefix + random.nextInt(accounts);
    }

    private int amount()
    {
        return 1 + random.nextInt(MAX_AMOUNT);
    }

    /** Weights of the four kinds; at least one is positive. */
    public record Weights(int open, int deposit, int withdraw, int transfer)
    {
        public Weights
        {
            if (open < 0 || deposit < 0 || withdraw < 0 || transfer < 0)
            {
                throw new IllegalArgumentException("mix weights must be >= 0");
            }
            if (open + deposit + withdraw + transfer <= 0)
            {
                throw new IllegalArgumentException("the mix needs at least one positive weight");
            }
        }

        /** Parses {@code open=1,deposit=80,withdraw=10,transfer=9}; kinds left out weigh 0. */
        public static Weights parse(final String text)
        {
            int open = 0;
            int deposit = 0;
            int withdraw = 0;
            int transfer = 0;
            for (final String part : text.split(","))
            {
                final String p = part.trim();
                if (p.isEmpty())
                {
                    continue;
                }
                final int eq = p.indexOf('=');
                if (eq <= 0)
                {
                    throw new IllegalArgumentException("mix entry '" + p + "' is not kind=weight");
                }
                final int w;
                try
                {
                    w = Integer.parseInt(p.substring(eq + 1).trim());
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("mix weight '" + p + "' is not an integer");
                }
                switch (p.substring(0, eq).trim().toLowerCase(Locale.ROOT))
                {
                    case "open" -> open = w;
                    case "deposit" -> deposit = w;
                    case "withdraw" -> withdraw = w;
                    case "transfer" -> transfer = w;
                    default -> throw new IllegalArgumentException(
                        "unknown mix kind '" + p.substring(0, eq) + "': use open, deposit, withdraw, transfer");
                }
            }
            return new Weights(open, deposit, withdraw, transfer);
        }

        public int total()
        {
            return open + deposit + withdraw + transfer;
        }

        /** Whether the mix works over the pre-opened accounts. */
        public boolean needsAccounts()
        {
            return deposit + withdraw + transfer > 0;
        }

        @Override
        public String toString()
        {
            return "open=" + open + ",deposit=" + deposit + ",withdraw=" + withdraw + ",transfer=" + transfer;
        }
    }
}
