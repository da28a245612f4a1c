package dev.strand.journal;

import net.openhft.chronicle.core.time.TimeProvider;

import java.nio.file.Path;

/**
 * Immutable journal settings, validated once by {@link Builder#build()}.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 * <tr><td>durability</td><td>ASYNC</td><td>see {@link Durability}</td></tr>
 * <tr><td>rollCycle</td><td>FAST_DAILY</td><td>name of a Chronicle roll cycle constant; an existing queue's
 * stored roll cycle wins over it</td></tr>
 * <tr><td>preallocate</td><td>true</td><td>run the {@code journal-preallocator} thread that writes real zeros
 * ahead of the writer</td></tr>
 * <tr><td>preallocateAheadBytes</td><td>64 MiB</td><td>how far ahead of the write position zeros are kept</td></tr>
 * <tr><td>verifyOnOpen</td><td>true</td><td>walk and checksum the whole journal on open (false: the tail)</td></tr>
 * <tr><td>minFreeBytes</td><td>256 MiB</td><td>free-space floor below which commits are refused</td></tr>
 * </table>
 */
public final class JournalConfig
{
    /** Default durability. */
    public static final Durability DEFAULT_DURABILITY = Durability.ASYNC;
    /** Default roll cycle name. */
    public static final String DEFAULT_ROLL_CYCLE = "FAST_DAILY";
    /** Default for the pre-allocator. */
    public static final boolean DEFAULT_PREALLOCATE = true;
    /** Default pre-allocation reach ahead of the writer. */
    public static final long DEFAULT_PREALLOCATE_AHEAD_BYTES = 64L << 20;
    /** Default for the full walk on open. */
    public static final boolean DEFAULT_VERIFY_ON_OPEN = true;
    /** Default free-space floor. */
    public static final long DEFAULT_MIN_FREE_BYTES = 256L << 20;
    /** Pre-allocator write size. */
    static final long DEFAULT_PREALLOCATE_CHUNK_BYTES = 1L << 20;
    /** Distance the pre-allocator keeps from the writer's highest possible write offset. */
    static final long DEFAULT_PREALLOCATE_MARGIN_BYTES = 8L << 20;

    private final Path directory;
    private final Durability durability;
    private final String rollCycle;
    private final boolean preallocate;
    private final long preallocateAheadBytes;
    private final boolean verifyOnOpen;
    private final long minFreeBytes;
    private final long preallocateChunkBytes;
    private final long preallocateMarginBytes;
    private final TimeProvider timeProvider;

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
     * @return the configured roll cycle name (an existing queue's stored cycle overrides it).
     */
    public String rollCycle()
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
     * {@inheritDoc}
     */
    public String toString()
    {
        return "JournalConfig{directory=" + directory + ", durability=" + durability + ", rollCycle=" + rollCycle +
            ", preallocate=" + preallocate + ", preallocateAheadBytes=" + preallocateAheadBytes +
            ", verifyOnOpen=" + verifyOnOpen + ", minFreeBytes=" + minFreeBytes + '}';
    }

    /**
     * Collects settings; {@link #build()} validates them once.
     */
    public static final class Builder
    {
        private final Path directory;
        private Durability durability = DEFAULT_DURABILITY;
        private String rollCycle = DEFAULT_ROLL_CYCLE;
        private boolean preallocate = DEFAULT_PREALLOCATE;
        private long preallocateAheadBytes = DEFAULT_PREALLOCATE_AHEAD_BYTES;
        private boolean verifyOnOpen = DEFAULT_VERIFY_ON_OPEN;
        private long minFreeBytes = DEFAULT_MIN_FREE_BYTES;
        private long preallocateChunkBytes = DEFAULT_PREALLOCATE_CHUNK_BYTES;
        private long preallocateMarginBytes = DEFAULT_PREALLOCATE_MARGIN_BYTES;
        private TimeProvider timeProvider;

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
         * @param rollCycleName name of a Chronicle roll cycle constant, default {@code FAST_DAILY}.
         * @return this.
         */
        public Builder rollCycle(final String rollCycleName)
        {
            rollCycle = rollCycleName;
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

        Builder timeProvider(final TimeProvider provider)
        {
            timeProvider = provider;
            return this;
        }

        /**
         * Validates the settings.
         *
         * @return the immutable config.
         * @throws IllegalArgumentException naming the first bad setting.
         */
        public JournalConfig build()
        {
            require(directory != null, "directory must not be null");
            require(durability != null, "durability must not be null");
            require(RollCycleNames.resolve(rollCycle) != null,
                "rollCycle '" + rollCycle + "' is not a Chronicle roll cycle name (e.g. FAST_DAILY, TEST_SECONDLY)");
            require(minFreeBytes >= 0, "minFreeBytes must be >= 0, was " + minFreeBytes);
            require(preallocateChunkBytes >= 4096 && preallocateChunkBytes % 4096 == 0,
                "preallocateChunkBytes must be a positive multiple of 4096, was " + preallocateChunkBytes);
            require(preallocateMarginBytes >= 0, "preallocateMarginBytes must be >= 0, was " + preallocateMarginBytes);
            if (preallocate)
            {
                require(preallocateAheadBytes >= preallocateMarginBytes + preallocateChunkBytes,
                    "preallocateAheadBytes must be >= " + (preallocateMarginBytes + preallocateChunkBytes) +
                    " (safety margin + one chunk), was " + preallocateAheadBytes);
            }
            else
            {
                require(preallocateAheadBytes >= 0, "preallocateAheadBytes must be >= 0, was " + preallocateAheadBytes);
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
