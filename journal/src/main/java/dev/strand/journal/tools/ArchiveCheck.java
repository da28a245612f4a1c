package dev.strand.journal.tools;

import dev.strand.journal.ChainLink;
import dev.strand.journal.JournalArchive;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The verify tool's check of the archive a journal's retention filled: where the journal starts, whether the archive's
 * chain joins it, and a chain hash looked up in the archive.
 *
 * @param firstPosition the journal's first position (1: nothing archived, nothing to check).
 * @param archiveDir    the archive directory.
 * @param problem       null when the archive checks out, else the first problem.
 * @param summary       what was checked, one line.
 * @param lookup        the chain hash at a position before the journal's first, found in the archive, or null.
 */
record ArchiveCheck(long firstPosition, Path archiveDir, String problem, String summary, ChainLink lookup)
{
    static ArchiveCheck of(final Path journalDir, final Path archiveDir, final long lookupPosition)
    {
        final JournalArchive.Check check = JournalArchive.check(archiveDir, journalDir, lookupPosition);
        return new ArchiveCheck(check.firstPosition(), archiveDir, check.problem(), check.summary(), check.lookup());
    }

    boolean sound()
    {
        return problem == null;
    }

    void print(final PrintStream out)
    {
        if (firstPosition <= 1)
        {
            return;
        }
        if (problem == null)
        {
            out.println("archive          " + archiveDir + ": " + summary);
        }
        else
        {
            out.println("archive          " + archiveDir + ": CORRUPT: " + problem);
        }
    }
}
