package dev.strand.engine.api;

import dev.strand.config.Setting;
import dev.strand.config.SettingType;
import dev.strand.config.SettingValues;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.Projection;
import dev.strand.journal.Durability;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalRollCycle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The engine's settings, each declared once below (name, type, default, range, doc), with the journal's embedded
 * ({@link JournalConfig}, in {@code dataDir/journal}). Built and validated once by {@link Builder#build()},
 * read-only after. {@link #SETTINGS} lists every engine and journal setting, which the server's command line and
 * environment reach.
 */
public final class EngineConfig
{
    /** Where the engine keeps its files. */
    public static final Setting<Path> DATA_DIR = Setting.of("data-dir", SettingType.path(), Path.of("./data"),
        "journal (journal/), snapshots (snapshots/) and the lock file (strand.lock) live here");
    /** Ring slots. */
    public static final Setting<Integer> RING_SIZE = Setting.of("ring-size", SettingType.powerOfTwo(2, 1 << 30), 1 << 16,
        "command ring slots, one per command or batch; a full ring answers 503 OVERLOADED");
    /** How engine threads wait. */
    public static final Setting<EngineWaitStrategy> WAIT_STRATEGY = Setting.of("wait-strategy",
        SettingType.lowerCase(EngineWaitStrategy.class), EngineWaitStrategy.BLOCKING,
        "how the engine threads wait for work (blocking: no CPU when idle; the others spin first)");
    /** Snapshot by count. */
    public static final Setting<Long> SNAPSHOT_EVERY_EVENTS = Setting.of("snapshot-every-events",
        SettingType.count(0, Long.MAX_VALUE), 1_000_000L, "snapshot after this many events since the last one (0 = never by count)");
    /** Snapshot by time. */
    public static final Setting<Long> SNAPSHOT_EVERY_SECONDS = Setting.of("snapshot-every-seconds",
        SettingType.count(0, Long.MAX_VALUE), 300L,
        "snapshot after this many seconds since the last one if anything was written (0 = never by time)");
    /** Snapshot files kept. */
    public static final Setting<Integer> SNAPSHOTS_KEPT = Setting.of("snapshots-kept", SettingType.integer(1, 1000), 3,
        "snapshot files kept on disk");
    /** Snapshot at shutdown. */
    public static final Setting<Boolean> SNAPSHOT_ON_SHUTDOWN = Setting.of("snapshot-on-shutdown", SettingType.bool(), true,
        "write a snapshot when stopping cleanly, so the next start replays nothing");
    /** Idempotency window. */
    public static final Setting<Integer> IDEMPOTENCY_WINDOW = Setting.of("idempotency-window",
        SettingType.integer(0, Integer.MAX_VALUE), 1_000_000, "accepted commandIds remembered for idempotent replays, about 49 bytes each in the writer and in the " +
            "snapshotter (0 = none)");
    /** Heap headroom floor; -1 means the default, 10% of the maximum heap and at least 16 MiB. */
    public static final Setting<Long> HEAP_FLOOR_BYTES = Setting.of("heap-floor-bytes", SettingType.size(-1, Long.MAX_VALUE), -1L,
        "heap headroom floor: below it commands that add aggregates get 503 CAPACITY_EXHAUSTED (-1 = 10% of the " +
            "maximum heap, at least 16MiB; 0 = off)").withDefaultText("-1 (10% of -Xmx, >= 16MiB)");
    /** Live subscription buffer. */
    public static final Setting<Integer> LIVE_BUFFER_EVENTS = Setting.of("live-buffer-events",
        SettingType.powerOfTwo(2, 1 << 24), 1 << 14,
        "events kept decoded in memory for live subscribers; a subscriber further behind reads the journal");
    /** Module jars loaded besides the class path's. */
    public static final Setting<Path> MODULES_DIR = Setting.of("modules", SettingType.path(), null,
        "a directory of module jars: every *.jar in it is loaded (ServiceLoader) next to the modules on the class " +
            "path; one that cannot be loaded, or a type name registered twice, stops the start (exit 2)");
    /** Every engine setting, then the journal's, in the order help and tables show them. */
    public static final List<Setting<?>> SETTINGS = Stream.concat(
        Stream.of(DATA_DIR, MODULES_DIR, RING_SIZE, WAIT_STRATEGY, IDEMPOTENCY_WINDOW, HEAP_FLOOR_BYTES,
            SNAPSHOT_EVERY_EVENTS, SNAPSHOT_EVERY_SECONDS, SNAPSHOTS_KEPT, SNAPSHOT_ON_SHUTDOWN, LIVE_BUFFER_EVENTS),
        JournalConfig.SETTINGS.stream()).toList();

    private final Path dataDir;
    private final JournalConfig journal;
    private final int ringSize;
    private final EngineWaitStrategy waitStrategy;
    private final long snapshotEveryEvents;
    private final long snapshotEverySeconds;
    private final int snapshotsKept;
    private final boolean snapshotOnShutdown;
    private final int idempotencyWindow;
    private final long heapFloorBytes;
    private final int liveBufferEvents;
    private final List<AggregateModule<?>> modules;
    private final List<Projection<?>> projections;
    private final LongSupplier epochMicrosClock;

    private EngineConfig(final Builder b)
    {
        dataDir = DATA_DIR.check(b.dataDir);
        journal = b.journal.build();
        ringSize = RING_SIZE.check(b.ringSize);
        waitStrategy = WAIT_STRATEGY.check(b.waitStrategy);
        snapshotEveryEvents = SNAPSHOT_EVERY_EVENTS.check(b.snapshotEveryEvents);
        snapshotEverySeconds = SNAPSHOT_EVERY_SECONDS.check(b.snapshotEverySeconds);
        snapshotsKept = SNAPSHOTS_KEPT.check(b.snapshotsKept);
        snapshotOnShutdown = b.snapshotOnShutdown;
        idempotencyWindow = IDEMPOTENCY_WINDOW.check(b.idempotencyWindow);
        heapFloorBytes = HEAP_FLOOR_BYTES.check(b.heapFloorBytes) < 0 ?
            Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 10) : b.heapFloorBytes;
        liveBufferEvents = LIVE_BUFFER_EVENTS.check(b.liveBufferEvents);
        if (b.modules != null)
        {
            modules = List.copyOf(b.modules);
            projections = List.copyOf(b.projections != null ? b.projections : List.of());
        }
        else if (b.modulesDir != null)
        {
            final ModuleDirectory.Loaded loaded = ModuleDirectory.loadAll(b.modulesDir);
            modules = loaded.modules();
            projections = b.projections != null ? List.copyOf(b.projections) : loaded.projections();
        }
        else
        {
            modules = List.copyOf(discoverModules());
            projections = List.copyOf(b.projections != null ? b.projections : discoverProjections());
        }
        epochMicrosClock = Objects.requireNonNull(b.epochMicrosClock, "epochMicrosClock");
        if (modules.isEmpty())
        {
            throw new ModuleLoadException("no aggregate module found (ServiceLoader found none and none were given)", null);
        }
        final String clash = checkProjections(modules, projections);
        if (clash != null)
        {
            // a configuration error, as a type name two modules register: one line, exit 2
            throw new dev.strand.config.ConfigException(
                b.modulesDir != null && b.modules == null ? "--modules " + b.modulesDir + ": " + clash : clash);
        }
    }

    /**
     * The projections on the class path, found with {@link ServiceLoader}.
     *
     * @throws ModuleLoadException naming the projection that cannot be loaded or instantiated.
     */
    @SuppressWarnings("rawtypes")
    public static List<Projection<?>> discoverProjections()
    {
        final List<Projection<?>> found = new ArrayList<>();
        final Iterator<Projection> it = ServiceLoader.load(Projection.class).iterator();
        while (true)
        {
            try
            {
                if (!it.hasNext())
                {
                    return found;
                }
                found.add(it.next());
            }
            catch (final ServiceConfigurationError | RuntimeException | LinkageError ex)
            {
                final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
                throw new ModuleLoadException("a projection failed to load: " + oneLine(ex.getMessage()) +
                    (cause != ex ? " (" + oneLine(cause.toString()) + ")" : ""), ex);
            }
        }
    }

    /**
     * Why the projections cannot run with the modules (a name used twice, an event record no module registers), or
     * null when they can.
     */
    static String checkProjections(final List<AggregateModule<?>> modules, final List<Projection<?>> projections)
    {
        final java.util.Map<String, Projection<?>> names = new java.util.HashMap<>();
        for (final Projection<?> p : projections)
        {
            final Projection<?> other = names.putIfAbsent(p.name(), p);
            if (other != null)
            {
                return "projection name " + p.name() + " is registered twice (" + other.getClass().getName() + ", " +
                    p.getClass().getName() + ")";
            }
        }
        final dev.strand.engine.core.ModuleRegistry registry;
        try
        {
            registry = new dev.strand.engine.core.ModuleRegistry(modules);
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            return null;
        }
        for (final Projection<?> p : projections)
        {
            try
            {
                dev.strand.engine.core.ReadSide.checkProjection(registry, p);
            }
            catch (final IllegalArgumentException ex)
            {
                return oneLine(ex.getMessage());
            }
        }
        return null;
    }

    /**
     * The modules on the class path, found with {@link ServiceLoader}.
     *
     * @throws ModuleLoadException naming the module that cannot be loaded or instantiated.
     */
    @SuppressWarnings("rawtypes")
    public static List<AggregateModule<?>> discoverModules()
    {
        final List<AggregateModule<?>> found = new ArrayList<>();
        final Iterator<AggregateModule> it = ServiceLoader.load(AggregateModule.class).iterator();
        while (true)
        {
            try
            {
                if (!it.hasNext())
                {
                    return found;
                }
                found.add(it.next());
            }
            catch (final ServiceConfigurationError | RuntimeException | LinkageError ex)
            {
                final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
                throw new ModuleLoadException("an aggregate module failed to load: " + oneLine(ex.getMessage()) +
                    (cause != ex ? " (" + oneLine(cause.toString()) + ")" : ""), ex);
            }
        }
    }

    private static String oneLine(final String text)
    {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    public static Builder builder(final Path dataDir)
    {
        return new Builder(dataDir);
    }

    public Path dataDir()
    {
        return dataDir;
    }

    /** The journal's settings (its directory is {@link #journalDir()}). */
    public JournalConfig journal()
    {
        return journal;
    }

    public Path journalDir()
    {
        return journal.directory();
    }

    public Path snapshotDir()
    {
        return dataDir.resolve("snapshots");
    }

    public Durability durability()
    {
        return journal.durability();
    }

    public int ringSize()
    {
        return ringSize;
    }

    public EngineWaitStrategy waitStrategy()
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
        return journal.minFreeBytes();
    }

    /**
     * @return the heap headroom floor: below it commands that add aggregates are refused with CAPACITY_EXHAUSTED
     * (0 turns the check off).
     */
    public long heapFloorBytes()
    {
        return heapFloorBytes;
    }

    public JournalRollCycle rollCycle()
    {
        return journal.rollCycle();
    }

    public boolean preallocate()
    {
        return journal.preallocate();
    }

    public boolean verifyOnOpen()
    {
        return journal.verifyOnOpen();
    }

    public int liveBufferEvents()
    {
        return liveBufferEvents;
    }

    public List<AggregateModule<?>> modules()
    {
        return modules;
    }

    /** The projections: given, else those {@link ServiceLoader} finds (with the modules' jars when given a directory). */
    public List<Projection<?>> projections()
    {
        return projections;
    }

    /** The directory of the projections' checkpoints, one directory per projection in it. */
    public Path projectionDir()
    {
        return dataDir.resolve("projections");
    }

    /** The ingress clock: stamps commands before they enter the ring; the logic thread never reads a clock. */
    public LongSupplier epochMicrosClock()
    {
        return epochMicrosClock;
    }

    /** Mutable builder holding the declared defaults; {@link #build()} validates. */
    public static final class Builder
    {
        private final Path dataDir;
        private final JournalConfig.Builder journal;
        private int ringSize = RING_SIZE.defaultValue();
        private EngineWaitStrategy waitStrategy = WAIT_STRATEGY.defaultValue();
        private long snapshotEveryEvents = SNAPSHOT_EVERY_EVENTS.defaultValue();
        private long snapshotEverySeconds = SNAPSHOT_EVERY_SECONDS.defaultValue();
        private int snapshotsKept = SNAPSHOTS_KEPT.defaultValue();
        private boolean snapshotOnShutdown = SNAPSHOT_ON_SHUTDOWN.defaultValue();
        private int idempotencyWindow = IDEMPOTENCY_WINDOW.defaultValue();
        private long heapFloorBytes = HEAP_FLOOR_BYTES.defaultValue();
        private int liveBufferEvents = LIVE_BUFFER_EVENTS.defaultValue();
        private List<AggregateModule<?>> modules;
        private List<Projection<?>> projections;
        private Path modulesDir;
        private LongSupplier epochMicrosClock = Builder::systemEpochMicros;

        private Builder(final Path dataDir)
        {
            this.dataDir = DATA_DIR.check(dataDir);
            this.journal = JournalConfig.builder(dataDir.resolve("journal"));
        }

        private static long systemEpochMicros()
        {
            final java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        }

        /**
         * Takes every engine and journal setting except the data directory (given to {@link EngineConfig#builder})
         * from resolved values.
         */
        public Builder apply(final SettingValues values)
        {
            journal.apply(values);
            ringSize = values.get(RING_SIZE);
            waitStrategy = values.get(WAIT_STRATEGY);
            snapshotEveryEvents = values.get(SNAPSHOT_EVERY_EVENTS);
            snapshotEverySeconds = values.get(SNAPSHOT_EVERY_SECONDS);
            snapshotsKept = values.get(SNAPSHOTS_KEPT);
            snapshotOnShutdown = values.get(SNAPSHOT_ON_SHUTDOWN);
            idempotencyWindow = values.get(IDEMPOTENCY_WINDOW);
            heapFloorBytes = values.get(HEAP_FLOOR_BYTES);
            liveBufferEvents = values.get(LIVE_BUFFER_EVENTS);
            modulesDir = values.get(MODULES_DIR);
            return this;
        }

        /** A directory of module jars loaded next to the class path's modules ({@link ModuleDirectory}); null: none. */
        public Builder modulesDir(final Path value)
        {
            modulesDir = value;
            return this;
        }

        public Builder durability(final Durability value)
        {
            journal.durability(value);
            return this;
        }

        public Builder ringSize(final int value)
        {
            ringSize = value;
            return this;
        }

        public Builder waitStrategy(final EngineWaitStrategy value)
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

        /** The heap headroom floor in bytes; -1 (the default) for 10% of the maximum heap, 0 for none. */
        public Builder heapFloorBytes(final long value)
        {
            heapFloorBytes = value;
            return this;
        }

        public Builder minFreeBytes(final long value)
        {
            journal.minFreeBytes(value);
            return this;
        }

        public Builder rollCycle(final JournalRollCycle value)
        {
            journal.rollCycle(value);
            return this;
        }

        public Builder preallocate(final boolean value)
        {
            journal.preallocate(value);
            return this;
        }

        public Builder preallocateAheadBytes(final long value)
        {
            journal.preallocateAheadBytes(value);
            return this;
        }

        public Builder verifyOnOpen(final boolean value)
        {
            journal.verifyOnOpen(value);
            return this;
        }

        /** How long after its cycle ended a journal cycle file may be taken out (zero, the default: never). */
        public Builder retentionAge(final java.time.Duration value)
        {
            journal.retentionAge(value);
            return this;
        }

        /** Archive (default) or delete the cycle files retention takes out. */
        public Builder retentionAction(final dev.strand.journal.RetentionAction value)
        {
            journal.retentionAction(value);
            return this;
        }

        /** Where retention archives cycle files (default: {@code archive} in the data directory). */
        public Builder archiveDir(final Path value)
        {
            journal.archiveDirectory(value);
            return this;
        }

        /**
         * Journals without the hash chain (format 2), only to measure what the chain costs beside the same run with it
         * ({@link JournalConfig.Builder#unchainedForMeasurement}); no setting reaches it.
         */
        public Builder unchainedJournalForMeasurement(final boolean value)
        {
            journal.unchainedForMeasurement(value);
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

        /**
         * The projections; default: those {@link ServiceLoader} finds, none when the modules are given with
         * {@link #modules} (a projection folds some module's events).
         */
        public Builder projections(final List<Projection<?>> value)
        {
            projections = value;
            return this;
        }

        /** The ingress clock in epoch microseconds; tests substitute it. */
        public Builder epochMicrosClock(final LongSupplier value)
        {
            epochMicrosClock = value;
            return this;
        }

        /**
         * @throws dev.strand.config.SettingException naming the first setting out of range.
         * @throws ModuleLoadException                if no module is given and none can be loaded.
         * @throws dev.strand.config.ConfigException  if two projections share a name, or a projection folds an event
         *                                            record no module registers.
         */
        public EngineConfig build()
        {
            return new EngineConfig(this);
        }
    }
}
