package dev.strand.journal;

import java.nio.file.Path;

/**
 * A record in the middle of the journal (or a journal side file) fails its checksum, cannot be parsed, or
 * breaks position continuity. The message names the file and the position; recovery refuses to start
 * rather than guess.
 */
public final class JournalCorruptedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The file holding the bad record (not serialized: Path is not serializable). */
    private final transient Path file;
    /** The position the bad record should have started at. */
    private final long position;
    /** What is wrong, without the file and position. */
    private final String reason;

    /**
     * @param reason   what is wrong with the record.
     * @param file     the file that holds it (a Chronicle {@code .cq4} cycle file, or the side file).
     * @param position the journal position the record should have started at (0 when not applicable).
     */
    public JournalCorruptedException(final String reason, final Path file, final long position)
    {
        super("journal corrupted at position " + position + " in file " + file + ": " + reason);
        this.file = file;
        this.position = position;
        this.reason = reason;
    }

    /**
     * @return what is wrong with the record, without the file and position.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * @return the file that holds the bad record.
     */
    public Path file()
    {
        return file;
    }

    /**
     * @return the position the bad record should have started at.
     */
    public long position()
    {
        return position;
    }
}
