package dev.strand.journal;

/**
 * The journal could not write or sync a commit (I/O failure, closed queue, disk full).
 * The engine treats it as a halt: nothing that failed to commit was acknowledged.
 */
public class JournalWriteException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed.
     */
    public JournalWriteException(final String message)
    {
        super(message);
    }

    /**
     * @param message what failed.
     * @param cause   the underlying failure.
     */
    public JournalWriteException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
