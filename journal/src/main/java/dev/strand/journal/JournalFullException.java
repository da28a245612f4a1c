package dev.strand.journal;

/**
 * A commit was refused because the journal's file system has less usable space than the configured floor
 * ({@link JournalConfig#minFreeBytes()}). Nothing was written: the check happens before the memory-mapped
 * file is touched, because Chronicle writing into a full disk faults the JVM (SIGBUS).
 */
public final class JournalFullException extends JournalWriteException
{
    private static final long serialVersionUID = 1L;

    /** Usable bytes seen when the commit was refused. */
    private final long freeBytes;
    /** The configured floor. */
    private final long minFreeBytes;

    /**
     * @param freeBytes    usable bytes seen on the file system.
     * @param minFreeBytes the configured floor.
     */
    public JournalFullException(final long freeBytes, final long minFreeBytes)
    {
        super("journal file system has " + freeBytes + " usable bytes, below the floor of " + minFreeBytes +
            " (minFreeBytes): commit refused");
        this.freeBytes = freeBytes;
        this.minFreeBytes = minFreeBytes;
    }

    /**
     * @return usable bytes seen on the file system when the commit was refused.
     */
    public long freeBytes()
    {
        return freeBytes;
    }

    /**
     * @return the configured floor.
     */
    public long minFreeBytes()
    {
        return minFreeBytes;
    }
}
