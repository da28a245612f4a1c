package dev.strand.engine.core;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The engine's counters and the append-latency recorder; written by engine threads, read by anyone. */
final class Counters
{
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder overloaded = new LongAdder();
    final LongAdder halted = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicLong snapshotsTaken = new AtomicLong();
    volatile long lastSnapshotEpochMillis;
    volatile long lastSnapshotDurationMicros;
    volatile long lastSnapshotPosition;

    private final Recorder latencyRecorder = new Recorder(3);
    private final Histogram cumulative = new Histogram(3);
    private Histogram interval;

    /** Records one append latency in nanoseconds (completion thread). */
    void recordLatency(final long nanos)
    {
        latencyRecorder.recordValue(Math.max(0, nanos));
    }

    /** A copy of the latency histogram since start. */
    synchronized Histogram latencySinceStart()
    {
        interval = latencyRecorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return cumulative.copy();
    }
}
