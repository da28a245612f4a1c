package dev.strand.journal;

import java.nio.file.Path;

/**
 * Another journal holds the directory's lock: a second server on the same data, or the same journal opened twice in
 * one process. The message names the directory and, where the lock file says, the process that holds it.
 */
public final class JournalLockedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** The locked directory (not serialized: Path is not serializable). */
    private final transient Path directory;
    private final long holderPid;

    JournalLockedException(final Path directory, final long holderPid, final boolean sameProcess)
    {
        super(sameProcess ? "journal " + directory + " is already open in this process" :
            "journal " + directory + " is locked by another process" + (holderPid > 0 ? " (pid " + holderPid + ")" : ""));
        this.directory = directory;
        this.holderPid = holderPid;
    }

    /** @return the locked directory. */
    public Path directory()
    {
        return directory;
    }

    /** @return the pid of the process holding the lock when known, else -1. */
    public long holderPid()
    {
        return holderPid;
    }
}
