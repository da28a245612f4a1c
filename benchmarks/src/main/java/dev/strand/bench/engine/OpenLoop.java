package dev.strand.bench.engine;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-process open-loop driver: one pacing thread submits at a fixed rate, each submission with its intended time
 * ({@code start + i / rate}); the completion records {@code now - intended} (so a stall is charged to every
 * submission it delayed: no coordinated omission). The pacer parks until the next intended time and never spins.
 * Rejections (ring full) are counted apart and never recorded as latency.
 */
final class OpenLoop
{
    /** Where submissions go: the engine, or the bare ring of the baseline. */
    interface Target
    {
        /** Submits one command; must call {@code done.completed(accepted)} exactly once, on any thread. */
        void submit(Completion done);
    }

    /** Outcome of one submission. */
    abstract static class Completion
    {
        abstract void completed(boolean accepted);
    }

    /** What a run measured, in microseconds. */
    record Result(double rate, long submitted, long accepted, long rejected, Histogram latency)
    {
        long p(final double percentile)
        {
            return latency.getTotalCount() == 0 ? -1 : latency.getValueAtPercentile(percentile);
        }
    }

    private OpenLoop()
    {
    }

    static Result run(final Target target, final double rate, final double warmupSeconds, final double seconds)
    {
        final Recorder recorder = new Recorder(3_600_000_000L, 3);
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final double period = 1e9 / rate;
        final long warm = Math.round(warmupSeconds * rate);
        final long total = warm + Math.round(seconds * rate);
        final long start = System.nanoTime() + 50_000_000;
        long i = 0;
        while (i < total)
        {
            final long intended = start + (long)(i * period);
            final long wait = intended - System.nanoTime();
            if (wait > 0)
            {
                LockSupport.parkNanos(wait);
                continue;
            }
            final boolean measured = i >= warm;
            target.submit(new Completion()
            {
                @Override
                void completed(final boolean ok)
                {
                    if (ok)
                    {
                        if (measured)
                        {
                            recorder.recordValue(Math.max(0, System.nanoTime() - intended) / 1_000);
                            accepted.incrementAndGet();
                        }
                    }
                    else if (measured)
                    {
                        rejected.incrementAndGet();
                    }
                    completed.incrementAndGet();
                }
            });
            i++;
        }
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (completed.get() < total && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(1_000_000);
        }
        if (completed.get() < total)
        {
            throw new IllegalStateException((total - completed.get()) + " submissions never completed");
        }
        return new Result(rate, total - warm, accepted.get(), rejected.get(), recorder.getIntervalHistogram());
    }
}
