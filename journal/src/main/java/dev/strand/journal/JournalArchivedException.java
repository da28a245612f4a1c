package dev.strand.journal;

/**
 * A read below the journal's first position: the cycle files that held it were moved to the archive (or deleted) by
 * the retention policy. Expected, not a fault: the caller answers that the position is archived and where the journal
 * now starts.
 */
public final class JournalArchivedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final long position;
    private final long firstPosition;

    /**
     * @param position      the position asked for.
     * @param firstPosition the first position the journal still serves.
     */
    public JournalArchivedException(final long position, final long firstPosition)
    {
        this("position " + position + " is archived: the journal starts at position " + firstPosition, position,
            firstPosition);
    }

    /**
     * @param message       what needed the archived events, in one line.
     * @param position      the first position needed.
     * @param firstPosition the first position the journal still serves.
     */
    public JournalArchivedException(final String message, final long position, final long firstPosition)
    {
        super(message);
        this.position = position;
        this.firstPosition = firstPosition;
    }

    /**
     * @return the position asked for.
     */
    public long position()
    {
        return position;
    }

    /**
     * @return the first position the journal still serves.
     */
    public long firstPosition()
    {
        return firstPosition;
    }
}
