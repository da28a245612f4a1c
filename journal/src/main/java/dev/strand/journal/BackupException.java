package dev.strand.journal;

import java.nio.file.Path;

/**
 * A backup cannot be taken, read, verified or restored: the message names the directory and says why in one line.
 */
public final class BackupException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The backup (or target) directory (not serialized: Path is not serializable). */
    private final transient Path directory;

    /**
     * @param directory the backup or target directory.
     * @param reason    what is wrong.
     */
    public BackupException(final Path directory, final String reason)
    {
        super(directory + ": " + reason);
        this.directory = directory;
    }

    /**
     * @param directory the backup or target directory.
     * @param reason    what is wrong.
     * @param cause     the I/O failure behind it.
     */
    public BackupException(final Path directory, final String reason, final Throwable cause)
    {
        super(directory + ": " + reason, cause);
        this.directory = directory;
    }

    /**
     * @return the directory the failure is about.
     */
    public Path directory()
    {
        return directory;
    }
}
