package dev.strand.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cached usable-space figure of the journal's file system. {@link #freeBytes()} refreshes it (one
 * {@code statvfs}) only when it is older than the maximum age, so the commit path usually reads a volatile.
 * The pre-allocator thread refreshes it more often, which keeps the syscall off the commit path entirely.
 * If the file system cannot be queried the figure drops to 0, so commits fail safe with
 * {@link JournalFullException}.
 */
final class FreeSpaceMonitor
{
    static final long MAX_AGE_NANOS = 100_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(FreeSpaceMonitor.class);

    private final FileStore store;
    private final Path directory;
    private volatile long freeBytes;
    private volatile long refreshedAtNanos;
    private volatile boolean failing;

    FreeSpaceMonitor(final Path directory) throws IOException
    {
        this.directory = directory;
        this.store = Files.getFileStore(directory);
        refresh(System.nanoTime());
    }

    /**
     * @return usable bytes, at most {@link #MAX_AGE_NANOS} old.
     */
    long freeBytes()
    {
        final long now = System.nanoTime();
        if (now - refreshedAtNanos > MAX_AGE_NANOS)
        {
            refresh(now);
        }
        return freeBytes;
    }

    void refreshIfOlderThan(final long nanos)
    {
        final long now = System.nanoTime();
        if (now - refreshedAtNanos > nanos)
        {
            refresh(now);
        }
    }

    private void refresh(final long now)
    {
        try
        {
            freeBytes = store.getUsableSpace();
            failing = false;
        }
        catch (final IOException | RuntimeException ex)
        {
            if (!failing)
            {
                LOG.warn("cannot read free space of {}: treating it as 0 until it can", directory, ex);
            }
            failing = true;
            freeBytes = 0;
        }
        refreshedAtNanos = now;
    }
}
