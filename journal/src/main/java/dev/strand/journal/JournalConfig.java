package dev.strand.journal;

import dev.strand.config.Setting;
import dev.strand.config.SettingType;
import dev.strand.config.SettingValues;
import dev.strand.config.Units;
import net.openhft.chronicle.core.time.TimeProvider;

import java.nio.file.Path;
import java.util.List;

/**
 * Immutable journal settings, validated once by {@link Builder#build()}. Each setting is declared once below (name,
 * type, default, range, doc); the builder takes its defaults from there and the server's command line and environment
 * reach every one of them ({@link #SETTINGS}).
 */
public final class JournalConfig
{
    /** When an append counts as stored. */
    public static final Setting<Durability> DURABILITY = Setting.of("durability", SettingType.lowerCase(Durability.class),
        Durability.ASYNC, "async: a command is answered once its events are in the page cache (survives a process crash); " +
            "sync: after the msync of its group commit (survives power loss)");
    /** Cycle files of a new journal. */
    public static final Setting<JournalRollCycle> ROLL_CYCLE = Setting.of("roll-cycle", SettingType.upperCase(JournalRollCycle.class),
        JournalRollCycle.FAST_DAILY, "Chronicle roll cycle of a new journal; an existing journal keeps the cycle it was created with");
    /** The pre-allocator thread. */
    public static final Setting<Boolean> PREALLOCATE = Setting.of("preallocate", SettingType.bool(), true,
        "write real zeros ahead of the writer (thread journal-preallocator) so appends do not wait for block allocation");
    /** The pre-allocator's reach. */
    public static final Setting<Long> PREALLOCATE_AHEAD_BYTES = Setting.of("preallocate-ahead-bytes",
        SettingType.size(0, 1L << 40), 64L << 20,
        "how far ahead of the write position the pre-allocator keeps zeros (with --preallocate at least 9MiB)");
    /** The walk at start. */
    public static final Setting<Boolean> VERIFY_ON_OPEN = Setting.of("verify-on-open", SettingType.bool(), true,
        "check every record's CRC32C and position at start (false: only the tail)");
    /** The free-space floor. */
    public static final Setting<Long> MIN_FREE_BYTES = Setting.of("min-free-bytes", SettingType.size(0, Long.MAX_VALUE),
        256L << 20, "free-space floor under the journal; below it writes halt (503 HALTED) until space returns");
    /** Retention by age. */
    public static final Setting<java.time.Duration> RETENTION_AGE = Setting.of("retention-age",
        SettingType.duration("d", java.time.Duration.ZERO, java.time.Duration.ofDays(36_500)), java.time.Duration.ZERO,
        "take whole cycle files out of the journal once their cycle ended this long ago and recovery no longer needs " +
            "them (their last position is at or before the oldest snapshot kept); 0 = keep everything");
    /** What retention does with a cycle file. */
    public static final Setting<RetentionAction> RETENTION_ACTION = Setting.of("retention-action",
        SettingType.lowerCase(RetentionAction.class), RetentionAction.ARCHIVE,
        "archive: move the cycle files to --archive-dir with a manifest; delete: delete them, recording their " +
            "positions and chain hashes in the archive manifest");
    /** Where retention puts cycle files. */
    public static final Setting<Path> ARCHIVE_DIR = Setting.of("archive-dir", SettingType.path(), null,
        "where retention moves cycle files and keeps its manifest").withDefaultText("<data-dir>/archive");
    /** Every journal setting, in the order help and tables show them. */
    public static final List<Setting<?>> SETTINGS =
        List.of(DURABILITY, ROLL_CYCLE, MIN_FREE_BYTES, PREALLOCATE, PREALLOCATE_AHEAD_BYTES, VERIFY_ON_OPEN,
            RETENTION_AGE, RETENTION_ACTION, ARCHIVE_DIR);

    /** Pre-allocator write size. */
    static final long DEFAULT_PREALLOCATE_CHUNK_BYTES = 1L << 20;
    /** Distance the pre-allocator keeps from the writer's highest possible write offset. */
    static final long DEFAULT_PREALLOCATE_MARGIN_BYTES = 8L << 20;

    private final Path directory;
    private final Durability durability;
    private final JournalRollCycle rollCycle;
    private final boolean preallocate;
    private final long preallocateAheadBytes;
    private final boolean verifyOnOpen;
    private final long minFreeBytes;
    private final long preallocateChunkBytes;
    private final long preallocateMarginBytes;
    private final TimeProvider timeProvider;
    private final boolean unchained;
    private final java.time.Duration retentionAge;
    private final RetentionAction retentionAction;
    private final Path archiveDirectory;

    private JournalConfig(final Builder b)
    {
        directory = b.directory;
        durability = b.durability;
        rollCycle = b.rollCycle;
        preallocate = b.preallocate;
        preallocateAheadBytes = b.preallocateAheadBytes;
        verifyOnOpen = b.verifyOnOpen;
        minFreeBytes = b.minFreeBytes;
        preallocateChunkBytes = b.preallocateChunkBytes;
        preallocateMarginBytes = b.preallocateMarginBytes;
        timeProvider = b.timeProvider;
        unchained = b.unchained;
        retentionAge = b.retentionAge;
        retentionAction = b.retentionAction;
        archiveDirectory = b.archiveDirectory != null ? b.archiveDirectory :
            directory.toAbsolutePath().normalize().resolveSibling("archive");
    }

    /**
     * @param dir the journal directory (created if missing).
     * @return a builder holding the defaults.
     */
    public static Builder builder(final Path dir)
    {
        return new Builder(dir);
    }

    /**
     * @return the journal directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @return the durability mode.
     */
    public Durability durability()
    {
        return durability;
    }

    /**
     * @return the configured roll cycle (an existing queue's stored cycle overrides it).
     */
    public JournalRollCycle rollCycle()
    {
        return rollCycle;
    }

    /**
     * @return whether the pre-allocator thread runs.
     */
    public boolean preallocate()
    {
        return preallocate;
    }

    /**
     * @return how far ahead of the write position the pre-allocator keeps real zeros.
     */
    public long preallocateAheadBytes()
    {
        return preallocateAheadBytes;
    }

    /**
     * @return true when open() walks the whole journal, false when it checks only the tail.
     */
    public boolean verifyOnOpen()
    {
        return verifyOnOpen;
    }

    /**
     * @return the free-space floor in bytes.
     */
    public long minFreeBytes()
    {
        return minFreeBytes;
    }

    long preallocateChunkBytes()
    {
        return preallocateChunkBytes;
    }

    long preallocateMarginBytes()
    {
        return preallocateMarginBytes;
    }

    TimeProvider timeProvider()
    {
        return timeProvider;
    }

    /**
     * @return how long after its cycle ended a cycle file may leave the journal; zero: retention is off.
     */
    public java.time.Duration retentionAge()
    {
        return retentionAge;
    }

    /**
     * @return what retention does with a cycle file it takes out.
     */
    public RetentionAction retentionAction()
    {
        return retentionAction;
    }

    /**
     * @return the archive directory (default: {@code archive} beside the journal directory, in the data directory).
     */
    public Path archiveDirectory()
    {
        return archiveDirectory;
    }

    /**
     * @return true when commits are written without the hash chain ({@link Builder#unchainedForMeasurement}).
     */
    public boolean unchained()
    {
        return unchained;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "JournalConfig{directory=" + directory + ", durability=" + durability + ", rollCycle=" + rollCycle +
            ", preallocate=" + preallocate + ", preallocateAheadBytes=" + preallocateAheadBytes +
            ", verifyOnOpen=" + verifyOnOpen + ", minFreeBytes=" + minFreeBytes + ", retentionAge=" + retentionAge +
            ", retentionAction=" + retentionAction + ", archiveDirectory=" + archiveDirectory + '}';
    }

    /**
     * Collects settings; {@link #build()} validates them once.
     */
    public static final class Builder
    {
        private final Path directory;
        private Durability durability = DURABILITY.defaultValue();
        private JournalRollCycle rollCycle = ROLL_CYCLE.defaultValue();
        private boolean preallocate = PREALLOCATE.defaultValue();
        private long preallocateAheadBytes = PREALLOCATE_AHEAD_BYTES.defaultValue();
        private boolean verifyOnOpen = VERIFY_ON_OPEN.defaultValue();
        private long minFreeBytes = MIN_FREE_BYTES.defaultValue();
        private long preallocateChunkBytes = DEFAULT_PREALLOCATE_CHUNK_BYTES;
        private long preallocateMarginBytes = DEFAULT_PREALLOCATE_MARGIN_BYTES;
        private TimeProvider timeProvider;
        private boolean unchained;
        private java.time.Duration retentionAge = RETENTION_AGE.defaultValue();
        private RetentionAction retentionAction = RETENTION_ACTION.defaultValue();
        private Path archiveDirectory;

        private Builder(final Path directory)
        {
            this.directory = directory;
        }

        /**
         * @param d ASYNC (default) or SYNC.
         * @return this.
         */
        public Builder durability(final Durability d)
        {
            durability = d;
            return this;
        }

        /**
         * @param cycle the roll cycle of a new journal, default {@code FAST_DAILY}.
         * @return this.
         */
        public Builder rollCycle(final JournalRollCycle cycle)
        {
            rollCycle = cycle;
            return this;
        }

        /**
         * Takes every journal setting from resolved values (flags, environment, defaults).
         *
         * @param values values resolved over at least {@link #SETTINGS}.
         * @return this.
         */
        public Builder apply(final SettingValues values)
        {
            durability = values.get(DURABILITY);
            rollCycle = values.get(ROLL_CYCLE);
            preallocate = values.get(PREALLOCATE);
            preallocateAheadBytes = values.get(PREALLOCATE_AHEAD_BYTES);
            verifyOnOpen = values.get(VERIFY_ON_OPEN);
            minFreeBytes = values.get(MIN_FREE_BYTES);
            retentionAge = values.get(RETENTION_AGE);
            retentionAction = values.get(RETENTION_ACTION);
            archiveDirectory = values.get(ARCHIVE_DIR);
            return this;
        }

        /**
         * @param age how long after its cycle ended a cycle file may leave the journal (zero, the default: never).
         * @return this.
         */
        public Builder retentionAge(final java.time.Duration age)
        {
            retentionAge = age;
            return this;
        }

        /**
         * @param value archive (default) or delete.
         * @return this.
         */
        public Builder retentionAction(final RetentionAction value)
        {
            retentionAction = value;
            return this;
        }

        /**
         * @param dir the archive directory (default: {@code archive} beside the journal directory).
         * @return this.
         */
        public Builder archiveDirectory(final Path dir)
        {
            archiveDirectory = dir;
            return this;
        }

        /**
         * @param on whether to run the pre-allocator (default true).
         * @return this.
         */
        public Builder preallocate(final boolean on)
        {
            preallocate = on;
            return this;
        }

        /**
         * @param bytes reach of the pre-allocator ahead of the write position (default 64 MiB).
         * @return this.
         */
        public Builder preallocateAheadBytes(final long bytes)
        {
            preallocateAheadBytes = bytes;
            return this;
        }

        /**
         * @param full true (default) to walk and checksum the whole journal on open, false for the tail only.
         * @return this.
         */
        public Builder verifyOnOpen(final boolean full)
        {
            verifyOnOpen = full;
            return this;
        }

        /**
         * @param bytes free-space floor (default 256 MiB); commits are refused below it.
         * @return this.
         */
        public Builder minFreeBytes(final long bytes)
        {
            minFreeBytes = bytes;
            return this;
        }

        Builder preallocateChunkBytes(final long bytes)
        {
            preallocateChunkBytes = bytes;
            return this;
        }

        Builder preallocateMarginBytes(final long bytes)
        {
            preallocateMarginBytes = bytes;
            return this;
        }

        /**
         * Writes commits in format 2, without the hash chain, as journals written before it hold: only to measure
         * what the chain costs beside the same appends with it. No setting reaches it; opening a journal that already
         * has a hash chain this way is refused, and the verify tool refuses a commit without a chain hash after one
         * with it.
         *
         * @param on true for commits without a chain hash (default false).
         * @return this.
         */
        public Builder unchainedForMeasurement(final boolean on)
        {
            unchained = on;
            return this;
        }

        Builder timeProvider(final TimeProvider provider)
        {
            timeProvider = provider;
            return this;
        }

        /**
         * Validates the settings.
         *
         * @return the immutable config.
         * @throws dev.strand.config.SettingException naming the first bad setting.
         */
        public JournalConfig build()
        {
            require(directory != null, "directory must not be null");
            DURABILITY.check(durability);
            ROLL_CYCLE.check(rollCycle);
            MIN_FREE_BYTES.check(minFreeBytes);
            PREALLOCATE_AHEAD_BYTES.check(preallocateAheadBytes);
            RETENTION_AGE.check(retentionAge);
            RETENTION_ACTION.check(retentionAction);
            require(preallocateChunkBytes >= 4096 && preallocateChunkBytes % 4096 == 0,
                "preallocateChunkBytes must be a positive multiple of 4096, was " + preallocateChunkBytes);
            require(preallocateMarginBytes >= 0, "preallocateMarginBytes must be >= 0, was " + preallocateMarginBytes);
            if (preallocate)
            {
                PREALLOCATE_AHEAD_BYTES.require(preallocateAheadBytes >= preallocateMarginBytes + preallocateChunkBytes,
                    "must be at least " + Units.formatSize(preallocateMarginBytes + preallocateChunkBytes) +
                    " (safety margin + one chunk) while the pre-allocator runs, was " + Units.formatSize(preallocateAheadBytes));
            }
            return new JournalConfig(this);
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
