package dev.strand.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Outcome counts of one phase (warm-up or measurement). Errors are counted here and never recorded as latency:
 * a 503 or a timeout that went into the histogram would make an overloaded server look fast.
 */
public final class RunCounters
{
    /** Requests handed to the client. */
    final LongAdder sent = new LongAdder();
    /** Requests answered 2xx. */
    final LongAdder ok = new LongAdder();
    /** Requests answered 409 or 422: the engine decided and rejected (a business outcome, timed like a success). */
    final LongAdder rejected = new LongAdder();
    /** Commands accepted (a batch counts each command). */
    final LongAdder commandsAccepted = new LongAdder();
    /** Commands rejected inside answered requests. */
    final LongAdder commandsRejected = new LongAdder();
    final LongAdder overloaded = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder connectionFailures = new LongAdder();
    /** Sends not made because --max-in-flight requests were already outstanding. */
    final LongAdder backlogDropped = new LongAdder();
    final LongAdder otherFailures = new LongAdder();
    final Map<Integer, LongAdder> otherStatus = new ConcurrentHashMap<>();

    public long sent()
    {
        return sent.sum();
    }

    public long ok()
    {
        return ok.sum();
    }

    public long rejected()
    {
        return rejected.sum();
    }

    public long commandsAccepted()
    {
        return commandsAccepted.sum();
    }

    public long commandsRejected()
    {
        return commandsRejected.sum();
    }

    /** Requests that got an answer that counts as latency: 2xx, 409, 422. */
    public long answered()
    {
        return ok() + rejected();
    }

    public long errors()
    {
        long n = overloaded.sum() + timeouts.sum() + connectionFailures.sum() + backlogDropped.sum() + otherFailures.sum();
        for (final LongAdder a : otherStatus.values())
        {
            n += a.sum();
        }
        return n;
    }

    /** Error kind to count, only the non-zero ones, in a stable order. */
    public Map<String, Long> errorBreakdown()
    {
        final Map<String, Long> m = new LinkedHashMap<>();
        put(m, "503 (overloaded/halted)", overloaded.sum());
        put(m, "timeout", timeouts.sum());
        put(m, "connection failure", connectionFailures.sum());
        put(m, "not sent (client backlog full)", backlogDropped.sum());
        put(m, "other failure", otherFailures.sum());
        final Map<Integer, LongAdder> sorted = new TreeMap<>(otherStatus);
        sorted.forEach((status, n) -> put(m, "HTTP " + status, n.sum()));
        return m;
    }

    private static void put(final Map<String, Long> m, final String key, final long n)
    {
        if (n > 0)
        {
            m.put(key, n);
        }
    }

    void countStatus(final int status)
    {
        otherStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }
}
