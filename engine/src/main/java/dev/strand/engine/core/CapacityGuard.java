package dev.strand.engine.core;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Memory as a resource with a floor, like disk: after every garbage collection it reads the heap in use (what the
 * collection left: the live state plus garbage not yet collected, so it errs on the side of refusing early) and,
 * when the headroom to the maximum heap falls below the floor, refuses commands that would grow the state (a new
 * aggregate) with 503 {@code CAPACITY_EXHAUSTED}, while commands on existing aggregates and every read go on. It
 * resumes by itself once a collection leaves the headroom above the floor again (with 25% hysteresis). State is the
 * heap's main tenant: about 700 bytes per aggregate across the writer, read model and snapshotter replicas, and 49
 * bytes per remembered command id, allocated up front (see docs/architecture.md, "Memory").
 *
 * <p>Deterministic replicas are unaffected: the refusal is made at ingress, before a command is sequenced.
 */
final class CapacityGuard implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(CapacityGuard.class);

    private final long floorBytes;
    private final long maxHeap;
    private final Predicate<String> aggregateExists;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final Rejection rejection;
    private volatile boolean exhausted;
    private volatile long lastHeadroom = Long.MAX_VALUE;
    private final java.util.concurrent.atomic.LongAdder refusals = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param floorBytes      headroom below which state-growing commands are refused; 0 turns the guard off.
     * @param aggregateExists whether an aggregate exists (any thread).
     */
    CapacityGuard(final long floorBytes, final Predicate<String> aggregateExists)
    {
        this.floorBytes = floorBytes;
        this.maxHeap = Runtime.getRuntime().maxMemory();
        this.aggregateExists = aggregateExists;
        this.rejection = new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.CAPACITY_EXHAUSTED,
            "the server's heap is near its limit (headroom below the floor of " + (floorBytes >> 20) +
            " MiB): commands that add aggregates are refused until memory is freed or the server gets a larger " +
            "heap; commands on existing aggregates and reads go on", null, -1);
        if (floorBytes > 0)
        {
            listen();
        }
    }

    private void listen()
    {
        final NotificationListener listener = this::onGc;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            if (gc instanceof NotificationEmitter emitter)
            {
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() ->
                {
                    try
                    {
                        emitter.removeNotificationListener(listener);
                    }
                    catch (final javax.management.ListenerNotFoundException ignored)
                    {
                        // already gone
                    }
                });
            }
        }
    }

    private void onGc(final Notification notification, final Object handback)
    {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType()))
        {
            return;
        }
        final GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData)notification.getUserData());
        long used = 0;
        for (final Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet())
        {
            used += pool.getValue().getUsed();
        }
        observe(maxHeap - used);
    }

    /** Applies one measurement of the headroom (tests call it directly). */
    void observe(final long headroom)
    {
        lastHeadroom = headroom;
        if (!exhausted && headroom < floorBytes)
        {
            exhausted = true;
            LOG.error("CAPACITY EXHAUSTED: {} MiB of heap headroom left after a collection, below the floor of {} MiB: " +
                "commands that add aggregates get 503 CAPACITY_EXHAUSTED until memory is back; give the server a " +
                "larger heap (-Xmx)", headroom >> 20, floorBytes >> 20);
        }
        else if (exhausted && headroom >= floorBytes + floorBytes / 4)
        {
            exhausted = false;
            LOG.warn("heap headroom is back above the floor ({} MiB): accepting new aggregates again", headroom >> 20);
        }
    }

    /** @return the rejection for a command that would grow the state while memory is short, else null. */
    Rejection refusal(final Command command)
    {
        if (!exhausted || aggregateExists.test(command.aggregateId()))
        {
            return null;
        }
        refusals.increment();
        return rejection;
    }

    boolean exhausted()
    {
        return exhausted;
    }

    long headroomBytes()
    {
        return lastHeadroom == Long.MAX_VALUE ? maxHeap - usedNow() : lastHeadroom;
    }

    long floorBytes()
    {
        return floorBytes;
    }

    long refusals()
    {
        return refusals.sum();
    }

    private static long usedNow()
    {
        final Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Override
    public void close()
    {
        unsubscribe.forEach(Runnable::run);
    }
}
