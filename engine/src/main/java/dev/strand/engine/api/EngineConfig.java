package dev.strand.engine.api;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.journal.Durability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.LongSupplier;

/**
 * Every engine setting in one place: a name, a default, a line of doc. Built and validated once, read-only after.
 */
public final class EngineConfig
{
    /** Ring slots; a power of two. One slot holds one command or one batch. */
    public static final int DEFAULT_RING_SIZE = 1 << 16;
    /** Snapshot after this many events since the last one (0 = never by count). */
    public static final long DEFAULT_SNAPSHOT_EVERY_EVENTS = 1_000_000;
    /** Snapshot after this many seconds since the last one if any event was written (0 = never by time). */
    public static final long DEFAULT_SNAPSHOT_EVERY_SECONDS = 300;
    /** Snapshot files kept. */
    public static final int DEFAULT_SNAPSHOTS_KEPT = 3;
    /** Accepted command ids remembered for idempotent replays. */
    public static final int DEFAULT_IDEMPOTENCY_WINDOW = 1_000_000;
    /** Free-space floor under the data directory; below it writes halt. */
    public static final long DEFAULT_MIN_FREE_BYTES = 256L * 1024 * 1024;
    /** -1: the default heap floor, 10% of the maximum heap and at least 16 MiB. */
    public static final long DEFAULT_HEAP_FLOOR_BYTES = -1;
    /** Chronicle roll cycle name. */
    public static final String DEFAULT_ROLL_CYCLE = "FAST_DAILY";
    /** Disruptor wait strategy of the engine threads, chosen by measurement on 2 cores (see docs/architecture.md). */
    public static final String DEFAULT_WAIT_STRATEGY = "blocking";
    /** Events the subscription hub keeps decoded in memory for live subscribers. */
    public static final int DEFAULT_LIVE_BUFFER_EVENTS = 1 << 14;

    private final Path dataDir;
    private final Durability durability;
    private final int ringSize;
    private final String waitStrategy;
    private final long snapshotEveryEvents;
    private final long snapshotEverySeconds;
    private final int snapshotsKept;
    private final boolean snapshotOnShutdown;
    private final int idempotencyWindow;
    private final long minFreeBytes;
    private final long heapFloorBytes;
    private final String rollCycle;
    private final boolean preallocate;
    private final boolean verifyOnOpen;
    private final int liveBufferEvents;
    private final List<AggregateModule<?>> modules;
    private final LongSupplier epochMicrosClock;

    private EngineConfig(final Builder b)
    {
        dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
        durability = Objects.requireNonNull(b.durability, "durability");
        ringSize = b.ringSize;
        waitStrategy = b.waitStrategy;
        snapshotEveryEvents = b.snapshotEveryEvents;
        snapshotEverySeconds = b.snapshotEverySeconds;
        snapshotsKept = b.snapshotsKept;
        snapshotOnShutdown = b.snapshotOnShutdown;
        idempotencyWindow = b.idempotencyWindow;
        minFreeBytes = b.minFreeBytes;
        heapFloorBytes = b.heapFloorBytes < 0 ?
            Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 10) : b.heapFloorBytes;
        rollCycle = b.rollCycle;
        preallocate = b.preallocate;
        verifyOnOpen = b.verifyOnOpen;
        liveBufferEvents = b.liveBufferEvents;
        modules = List.copyOf(b.modules != null ? b.modules : discoverModules());
        epochMicrosClock = Objects.requireNonNull(b.epochMicrosClock, "epochMicrosClock");

        require(Integer.bitCount(ringSize) == 1 && ringSize >= 2, "ringSize must be a power of two >= 2: " + ringSize);
        require(snapshotEveryEvents >= 0, "snapshotEveryEvents must be >= 0");
        require(snapshotEverySeconds >= 0, "snapshotEverySeconds must be >= 0");
        require(snapshotsKept >= 1, "snapshotsKept must be >= 1");
        require(idempotencyWindow >= 0, "idempotencyWindow must be >= 0");
        require(minFreeBytes >= 0, "minFreeBytes must be >= 0");
        require(Integer.bitCount(liveBufferEvents) == 1, "liveBufferEvents must be a power of two");
        require(!modules.isEmpty(), "no aggregate module found (ServiceLoader found none and none were given)");
        require(
            List.of("blocking", "lite-blocking", "yielding", "sleeping", "phased").contains(waitStrategy),
            "waitStrategy must be one of blocking, lite-blocking, yielding, sleeping, phased: " + waitStrategy);
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /** The modules on the class path, found with {@link ServiceLoader}. */
    @SuppressWarnings("rawtypes")
    public static List<AggregateModule<?>> discoverModules()
    {
        final List<AggregateModule<?>> found = new ArrayList<>();
        for (final AggregateModule module : ServiceLoader.load(AggregateModule.class))
        {
            found.add(module);
        }
        return found;
    }

    public static Builder builder(final Path dataDir)
    {
        return new Builder(dataDir);
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public Path journalDir()
    {
        return dataDir.resolve("journal");
    }

    public Path snapshotDir()
    {
        return dataDir.resolve("snapshots");
    }

    public Durability durability()
    {
        return durability;
    }

    public int ringSize()
    {
        return ringSize;
    }

    public String waitStrategy()
    {
        return waitStrategy;
    }

    public long snapshotEveryEvents()
    {
        return snapshotEveryEvents;
    }

    public long snapshotEverySeconds()
    {
        return snapshotEverySeconds;
    }

    public int snapshotsKept()
    {
        return snapshotsKept;
    }

    public boolean snapshotOnShutdown()
    {
        return snapshotOnShutdown;
    }

    public int idempotencyWindow()
    {
        return idempotencyWindow;
    }

    public long minFreeBytes()
    {
        return minFreeBytes;
    }

    /**
     * @return the heap headroom floor: below it commands that add aggregates are refused with CAPACITY_EXHAUSTED
     * (0 turns the check off).
     */
    public long heapFloorBytes()
    {
        return heapFloorBytes;
    }

    public String rollCycle()
    {
        return rollCycle;
    }

    public boolean preallocate()
    {
        return preallocate;
    }

    public boolean verifyOnOpen()
    {
        return verifyOnOpen;
    }

    public int liveBufferEvents()
    {
        return liveBufferEvents;
    }

    public List<AggregateModule<?>> modules()
    {
        return modules;
    }

    /** The ingress clock: stamps commands before they enter the ring; the logic thread never reads a clock. */
    public LongSupplier epochMicrosClock()
    {
        return epochMicrosClock;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder
    {
        private final Path dataDir;
        private Durability durability = Durability.ASYNC;
        private int ringSize = DEFAULT_RING_SIZE;
        private String waitStrategy = DEFAULT_WAIT_STRATEGY;
        private long snapshotEveryEvents = DEFAULT_SNAPSHOT_EVERY_EVENTS;
        private long snapshotEverySeconds = DEFAULT_SNAPSHOT_EVERY_SECONDS;
        private int snapshotsKept = DEFAULT_SNAPSHOTS_KEPT;
        private boolean snapshotOnShutdown = true;
        private int idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;
        private long minFreeBytes = DEFAULT_MIN_FREE_BYTES;
        private long heapFloorBytes = DEFAULT_HEAP_FLOOR_BYTES;
        private String rollCycle = DEFAULT_ROLL_CYCLE;
        private boolean preallocate = true;
        private boolean verifyOnOpen = true;
        private int liveBufferEvents = DEFAULT_LIVE_BUFFER_EVENTS;
        private List<AggregateModule<?>> modules;
        private LongSupplier epochMicrosClock = Builder::systemEpochMicros;

        private Builder(final Path dataDir)
        {
            this.dataDir = dataDir;
        }

        private static long systemEpochMicros()
        {
            final java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        }

        public Builder durability(final Durability value)
        {
            durability = value;
            return this;
        }

        public Builder ringSize(final int value)
        {
            ringSize = value;
            return this;
        }

        public Builder waitStrategy(final String value)
        {
            waitStrategy = value;
            return this;
        }

        public Builder snapshotEveryEvents(final long value)
        {
            snapshotEveryEvents = value;
            return this;
        }

        public Builder snapshotEverySeconds(final long value)
        {
            snapshotEverySeconds = value;
            return this;
        }

        public Builder snapshotsKept(final int value)
        {
            snapshotsKept = value;
            return this;
        }

        public Builder snapshotOnShutdown(final boolean value)
        {
            snapshotOnShutdown = value;
            return this;
        }

        public Builder idempotencyWindow(final int value)
        {
            idempotencyWindow = value;
            return this;
        }

        public Builder heapFloorBytes(final long value)
        {
            heapFloorBytes = value;
            return this;
        }

        public Builder minFreeBytes(final long value)
        {
            minFreeBytes = value;
            return this;
        }

        public Builder rollCycle(final String value)
        {
            rollCycle = value;
            return this;
        }

        public Builder preallocate(final boolean value)
        {
            preallocate = value;
            return this;
        }

        public Builder verifyOnOpen(final boolean value)
        {
            verifyOnOpen = value;
            return this;
        }

        public Builder liveBufferEvents(final int value)
        {
            liveBufferEvents = value;
            return this;
        }

        /** The aggregate modules; default: those {@link ServiceLoader} finds. */
        public Builder modules(final List<AggregateModule<?>> value)
        {
            modules = value;
            return this;
        }

        /** The ingress clock in epoch microseconds; tests substitute it. */
        public Builder epochMicrosClock(final LongSupplier value)
        {
            epochMicrosClock = value;
            return this;
        }

        public EngineConfig build()
        {
            return new EngineConfig(this);
        }
    }
}
