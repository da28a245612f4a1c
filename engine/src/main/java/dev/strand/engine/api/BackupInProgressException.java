package dev.strand.engine.api;

/** {@link Engine#backup} while another backup of the same engine is being taken: one at a time. */
public final class BackupInProgressException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public BackupInProgressException()
    {
        super("a backup is being taken; one at a time");
    }
}
