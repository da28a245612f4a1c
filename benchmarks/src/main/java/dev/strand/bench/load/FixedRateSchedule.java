package dev.strand.bench.load;

/**
 * The open-loop schedule: send {@code i} (0-based) is intended at {@code start + i / rate}, whatever happened to the
 * sends before it. Latency is measured from these intended times, so a server (or a client) that stalls is charged
 * for every send the stall delayed: the coordinated-omission correction is built into the schedule, not applied after.
 */
public final class FixedRateSchedule
{
    private final long startNanos;
    private final double nanosPerSend;
    private final long total;

    /**
     * @param startNanos {@link System#nanoTime()} of send 0.
     * @param perSecond  sends per second, > 0.
     * @param total      number of sends.
     */
    public FixedRateSchedule(final long startNanos, final double perSecond, final long total)
    {
        if (!(perSecond > 0) || total < 0)
        {
            throw new IllegalArgumentException("rate must be > 0 and total >= 0");
        }
        this.startNanos = startNanos;
        this.nanosPerSend = 1e9 / perSecond;
        this.total = total;
    }

    /** Sends in {@code seconds} at {@code perSecond}, rounded to the nearest whole send. */
    public static long sendsIn(final double seconds, final double perSecond)
    {
        return Math.round(seconds * perSecond);
    }

    public long startNanos()
    {
        return startNanos;
    }

    public long total()
    {
        return total;
    }

    /** The intended {@link System#nanoTime()} of send {@code i}. */
    public long intendedNanos(final long i)
    {
        return startNanos + (long)(i * nanosPerSend);
    }

    /** How many sends are due at {@code nowNanos}: the number of {@code i < total} with intendedNanos(i) <= now. */
    public long dueCount(final long nowNanos)
    {
        if (nowNanos < startNanos)
        {
            return 0;
        }
        long k = Math.min(total, (long)((nowNanos - startNanos) / nanosPerSend) + 1);
        while (k < total && intendedNanos(k) <= nowNanos)
        {
            k++;
        }
        while (k > 0 && intendedNanos(k - 1) > nowNanos)
        {
            k--;
        }
        return k;
    }

    /** The intended end: the time send {@code total} would be due. */
    public long endNanos()
    {
        return intendedNanos(total);
    }
}
