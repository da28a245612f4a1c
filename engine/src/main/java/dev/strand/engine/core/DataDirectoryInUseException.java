package dev.strand.engine.core;

import dev.strand.journal.JournalLockedException;

import java.nio.file.Path;

/**
 * Another server holds the data directory (its journal's lock): two servers must never share one. The message names
 * the directory and the process holding it where known.
 */
public final class DataDirectoryInUseException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final long holderPid;

    public DataDirectoryInUseException(final Path dataDir, final JournalLockedException cause)
    {
        super("data directory " + dataDir.toAbsolutePath() + " is in use by another Strand server" +
            (cause.holderPid() > 0 ? " (pid " + cause.holderPid() + ")" : ""), cause);
        this.holderPid = cause.holderPid();
    }

    /** @return the pid of the server holding it when known, else -1. */
    public long holderPid()
    {
        return holderPid;
    }
}
