package dev.strand.journal.tools;

import dev.strand.journal.JournalCorruptedException;
import dev.strand.journal.JournalVerifier;
import dev.strand.journal.VerifyReport;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code verify} tool ({@code java -jar strand.jar verify <dir>}): walks the whole journal, checks every CRC32C and position continuity,
 * prints a summary. Exit status 0 when sound (a torn tail, which the next open drops, is sound), 1 when
 * corrupt (the summary names the cycle file and the position), 2 on a usage error.
 */
public final class JournalVerify
{
    /** Exit status: sound. */
    public static final int OK = 0;
    /** Exit status: mid-log corruption. */
    public static final int CORRUPT = 1;
    /** Exit status: usage error. */
    public static final int USAGE = 2;

    private JournalVerify()
    {
    }

    /**
     * Walks the journal in {@code directory} and prints the summary.
     *
     * @param directory the journal directory.
     * @param out       where the summary goes.
     * @param err       where a usage error goes.
     * @return the exit status: {@link #OK}, {@link #CORRUPT} or {@link #USAGE}.
     */
    public static int verify(final Path directory, final PrintStream out, final PrintStream err)
    {
        if (!Files.isDirectory(directory))
        {
            err.println("not a directory: " + directory);
            return USAGE;
        }
        try
        {
            final VerifyReport report = JournalVerifier.verify(directory);
            out.print(report.summary());
            return report.isCorrupt() ? CORRUPT : OK;
        }
        catch (final JournalCorruptedException ex)
        {
            out.println("CORRUPT: " + ex.getMessage());
            return CORRUPT;
        }
    }
}
