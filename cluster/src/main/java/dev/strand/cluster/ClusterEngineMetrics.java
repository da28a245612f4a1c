package dev.strand.cluster;

import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.EngineMetrics;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.api.SnapshotSummary;
import dev.strand.engine.core.ReadSide;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * A cluster member's {@link EngineMetrics}: commands counted by the outcome this node answered, the append latency
 * measured from submission to the answer (commit by a majority plus this node's journal), the journal and read-model
 * gauges of this member. The ring gauges are 0: a member has no ring (the cluster's log sequences commands).
 */
final class ClusterEngineMetrics implements EngineMetrics
{
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder unavailable = new LongAdder();
    final LongAdder halted = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder failed = new LongAdder();

    private final ClusterNode node;
    private final ReadSide reads;
    private final ClusterClient client;
    private final Recorder latencyRecorder = new Recorder(3);
    private final Histogram cumulative = new Histogram(3);
    private Histogram interval;

    ClusterEngineMetrics(final ClusterNode node, final ReadSide reads, final ClusterClient client)
    {
        this.node = node;
        this.reads = reads;
        this.client = client;
    }

    void count(final CommandResult result)
    {
        if (result.accepted())
        {
            (result.replayed() ? replayed : accepted).increment();
            return;
        }
        final RejectionKind kind = result.rejection().kind();
        if (kind == RejectionKind.INTERNAL)
        {
            failed.increment();
        }
        else if (kind == RejectionKind.UNAVAILABLE)
        {
            (ResultCodes.HALTED.equals(result.rejection().code()) ? halted : unavailable).increment();
        }
        else
        {
            rejected.increment();
        }
    }

    void recordLatency(final CommandResult result, final long startNs)
    {
        if (result.accepted() && !result.replayed())
        {
            latencyRecorder.recordValue(Math.max(0, System.nanoTime() - startNs));
        }
    }

    /** Messages the client sent again after a leader change. */
    long resentMessages()
    {
        return client.resentMessages();
    }

    @Override
    public synchronized Histogram appendLatency()
    {
        interval = latencyRecorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return cumulative.copy();
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

    /** Answered 503 because the cluster could not take them (NO_LEADER, NO_QUORUM, OUTCOME_UNKNOWN). */
    @Override
    public long commandsOverloaded()
    {
        return unavailable.sum();
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
        return 0;
    }

    @Override
    public long ringRemainingCapacity()
    {
        return 0;
    }

    @Override
    public long journalPosition()
    {
        return node.journal().lastPosition();
    }

    @Override
    public long journalBytes()
    {
        return node.journal().bytesWritten();
    }

    @Override
    public long journalFreeBytes()
    {
        return node.journal().freeBytes();
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
        return node.service().snapshotsTaken();
    }

    @Override
    public long lastSnapshotEpochMillis()
    {
        final SnapshotSummary s = node.service().lastSnapshot();
        return s == null ? 0 : s.createdAtEpochMillis();
    }

    @Override
    public long lastSnapshotDurationMicros()
    {
        final SnapshotSummary s = node.service().lastSnapshot();
        return s == null ? 0 : s.durationMicros();
    }

    @Override
    public long lastSnapshotPosition()
    {
        final SnapshotSummary s = node.service().lastSnapshot();
        return s == null ? Math.max(0, node.service().snapshotLoadedPosition()) : s.position();
    }
}
