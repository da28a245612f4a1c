package dev.strand.journal;

/** What the retention policy does with a journal cycle file it takes out of the journal. */
public enum RetentionAction
{
    /** Moves it to the archive directory (with its manifest entry): history kept, out of the live journal. */
    ARCHIVE,
    /** Deletes it, recording its positions and chain hashes in the archive manifest: history given up. */
    DELETE
}
