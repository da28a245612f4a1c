package dev.strand.engine.core;

import com.lmax.disruptor.RingBuffer;
import dev.strand.engine.api.EngineMetrics;
import dev.strand.journal.Journal;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's counters and the append-latency recorder, and its {@link EngineMetrics}: written by engine threads,
 * read by anyone. The gauges read the pieces they describe, attached once at start.
 */
final class Counters implements EngineMetrics
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
    volatile dev.strand.journal.JournalArchive archive;
    volatile dev.strand.journal.RetentionReport lastRetention;
    final AtomicLong retentionCyclesMoved = new AtomicLong();

    private final Recorder latencyRecorder = new Recorder(3);
    private final Histogram cumulative = new Histogram(3);
    private Histogram interval;
    private RingBuffer<?> ring;
    private Journal journal;
    private ReadSide reads;
    private CapacityGuard capacity;

    /** Attaches what the gauges read; once, before the engine is published. */
    void attach(final RingBuffer<?> ring, final Journal journal, final ReadSide reads, final CapacityGuard capacity)
    {
        this.ring = ring;
        this.journal = journal;
        this.reads = reads;
        this.capacity = capacity;
    }

    /** Records one append latency in nanoseconds (logic thread). */
    void recordLatency(final long nanos)
    {
        latencyRecorder.recordValue(Math.max(0, nanos));
    }

    @Override
    public synchronized Histogram appendLatency()
    {
        interval = latencyRecorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return cumulative.copy();
    }

    @Override
    public long journalFirstPosition()
    {
        return journal == null ? 1 : journal.firstPosition();
    }

    @Override
    public long journalArchivedBytes()
    {
        final dev.strand.journal.JournalArchive a = archive;
        return a == null ? 0 : a.archivedBytes();
    }

    @Override
    public long retentionLastRunEpochMillis()
    {
        final dev.strand.journal.RetentionReport r = lastRetention;
        return r == null ? 0 : r.ranAtEpochMillis();
    }

    @Override
    public int retentionLastRunOk()
    {
        final dev.strand.journal.RetentionReport r = lastRetention;
        return r == null ? -1 : r.ok() ? 1 : 0;
    }

    @Override
    public long retentionCyclesMoved()
    {
        return retentionCyclesMoved.get();
    }

    @Override
    public long commandsAccepted()
    {
        return accepted.sum();
    }

    @Override
    public long commandsRejected()
    {
        return rejected.sum();
    }

    @Override
    public long commandsOverloaded()
    {
        return overloaded.sum();
    }

    @Override
    public long commandsHalted()
    {
        return halted.sum();
    }

    @Override
    public long commandsReplayed()
    {
        return replayed.sum();
    }

    @Override
    public long commandsFailed()
    {
        return failed.sum();
    }

    @Override
    public long ringSize()
    {
        return ring.getBufferSize();
    }

    @Override
    public long ringRemainingCapacity()
    {
        return ring.remainingCapacity();
    }

    @Override
    public long journalPosition()
    {
        return journal.lastPosition();
    }

    @Override
    public long journalBytes()
    {
        return journal.bytesWritten();
    }

    @Override
    public long journalFreeBytes()
    {
        return journal.freeBytes();
    }

    @Override
    public long readModelPosition()
    {
        return reads.appliedPosition();
    }

    @Override
    public int subscriptions()
    {
        return reads.subscriptions();
    }

    @Override
    public long snapshotsTaken()
    {
        return snapshotsTaken.get();
    }

    @Override
    public long lastSnapshotEpochMillis()
    {
        return lastSnapshotEpochMillis;
    }

    @Override
    public long lastSnapshotDurationMicros()
    {
        return lastSnapshotDurationMicros;
    }

    @Override
    public long lastSnapshotPosition()
    {
        return lastSnapshotPosition;
    }

    @Override
    public long heapHeadroomBytes()
    {
        return capacity.headroomBytes();
    }

    @Override
    public long heapFloorBytes()
    {
        return capacity.floorBytes();
    }

    @Override
    public long commandsCapacityRefused()
    {
        return capacity.refusals();
    }
}
