package dev.strand.engine.api;

import org.HdrHistogram.Histogram;

/**
 * Engine figures for export (the gateway turns them into Prometheus metrics). Every method is thread-safe and
 * cheap; none touches the writer's state.
 */
public interface EngineMetrics
{
    /**
     * Append latency since start, in nanoseconds: from the command's ingress stamp to the moment the completion
     * stage saw it journaled. A fresh copy on each call.
     */
    Histogram appendLatency();

    long commandsAccepted();

    /** Rejected by a rule (400/404/409/422 families), not counting OVERLOADED/HALTED. */
    long commandsRejected();

    long commandsOverloaded();

    long commandsHalted();

    long commandsReplayed();

    /** Commands whose handler threw (module bugs). */
    long commandsFailed();

    long ringSize();

    long ringRemainingCapacity();

    /** Last journaled position. */
    long journalPosition();

    long journalBytes();

    long journalFreeBytes();

    /** Last position the read model applied. */
    long readModelPosition();

    /** Number of live subscriptions. */
    int subscriptions();

    long snapshotsTaken();

    /** Epoch millis of the newest snapshot, 0 if none. */
    long lastSnapshotEpochMillis();

    long lastSnapshotDurationMicros();

    long lastSnapshotPosition();

    /** Heap headroom (maximum heap minus what the last collection left in use), in bytes. */
    default long heapHeadroomBytes()
    {
        return -1;
    }

    /** The heap headroom floor below which commands that add aggregates are refused, in bytes; 0 when off. */
    default long heapFloorBytes()
    {
        return 0;
    }

    /** Commands refused with CAPACITY_EXHAUSTED since start. */
    default long commandsCapacityRefused()
    {
        return 0;
    }

    /** The first position the journal serves: 1, or the first after the cycle files retention moved out. */
    default long journalFirstPosition()
    {
        return 1;
    }

    /** Bytes of the cycle files in the archive directory. */
    default long journalArchivedBytes()
    {
        return 0;
    }

    /** When retention last ran, epoch millis; 0 if it has not. */
    default long retentionLastRunEpochMillis()
    {
        return 0;
    }

    /** 1 if the last retention run succeeded, 0 if it failed, -1 if none ran. */
    default int retentionLastRunOk()
    {
        return -1;
    }

    /** Cycle files retention archived or deleted since start. */
    default long retentionCyclesMoved()
    {
        return 0;
    }
}
