package dev.strand.journal.tools;

import dev.strand.journal.JournalCorruptedException;
import dev.strand.journal.JournalVerifier;
import dev.strand.journal.VerifyReport;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code JournalVerify <journal-dir>}: walks the whole journal, checks every CRC32C and position continuity,
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
     * @param args {@code <journal-dir>}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the tool without exiting the JVM.
     *
     * @param args {@code <journal-dir>}.
     * @param out  where the summary goes.
     * @param err  where usage errors go.
     * @return the exit status.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length != 1)
        {
            err.println("usage: JournalVerify <journal-dir>");
            return USAGE;
        }
        final Path directory = Path.of(args[0]);
        if (!Files.isDirectory(directory))
        {
            err.println("not a directory: " + directory);
            err.println("usage: JournalVerify <journal-dir>");
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
