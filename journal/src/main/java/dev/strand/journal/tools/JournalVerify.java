package dev.strand.journal.tools;

import dev.strand.journal.ChainLink;
import dev.strand.journal.JournalCorruptedException;
import dev.strand.journal.JournalVerifier;
import dev.strand.journal.VerifyReport;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code verify} tool ({@code java -jar strand.jar verify <dir> [--expect-head POSITION:HASH]}): walks the whole
 * journal, checks every CRC32C, position continuity and the hash chain, prints a summary. Exit status 0 when sound (a
 * torn tail, which the next open drops, is sound), 1 when corrupt (the summary names the cycle file and the position)
 * or when the chain hash at the expected head's position is not the one expected, 2 on a usage error.
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
        return verify(directory, null, out, err);
    }

    /**
     * Walks the journal in {@code directory}, prints the summary and, with {@code expectHead}, compares the chain hash
     * of the commit ending at its position with its hash: a head stored elsewhere (a backup's manifest, a monitoring
     * system) proves the journal up to it was not rewritten, even with every chain hash recomputed.
     *
     * @param directory  the journal directory.
     * @param expectHead {@code POSITION:HASH} (64 hex digits), or null.
     * @param out        where the summary goes.
     * @param err        where a usage error goes.
     * @return the exit status: {@link #OK}, {@link #CORRUPT} (also for a head that does not match) or {@link #USAGE}.
     */
    public static int verify(final Path directory, final String expectHead, final PrintStream out, final PrintStream err)
    {
        return verify(directory, expectHead, directory.toAbsolutePath().normalize().resolveSibling("archive"), out, err);
    }

    /**
     * As {@link #verify(Path, String, PrintStream, PrintStream)}; when retention moved cycle files out of the journal,
     * also checks the archive: its manifest lists contiguous positions whose chain hashes link and join the journal's
     * first commit, each archived file has its SHA-256, and the archived files walk as a journal (checksums, positions,
     * chain). An expected head before the journal's first position is looked up in the archive.
     *
     * @param archiveDir the archive directory.
     */
    public static int verify(final Path directory, final String expectHead, final Path archiveDir,
        final PrintStream out, final PrintStream err)
    {
        if (!Files.isDirectory(directory))
        {
            err.println("not a directory: " + directory);
            return USAGE;
        }
        final ExpectedHead expected;
        try
        {
            expected = expectHead == null ? null : ExpectedHead.parse(expectHead);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("--expect-head: " + ex.getMessage());
            return USAGE;
        }
        try
        {
            final VerifyReport report = JournalVerifier.verify(directory,
                expected == null ? JournalVerifier.NO_LOOKUP : expected.position());
            out.print(report.summary());
            if (report.isCorrupt())
            {
                return CORRUPT;
            }
            final ArchiveCheck archive = ArchiveCheck.of(directory, archiveDir, expected == null ? -1 : expected.position());
            archive.print(out);
            if (!archive.sound())
            {
                return CORRUPT;
            }
            final ChainLink found = archive.lookup() != null ? archive.lookup() : report.lookup();
            return expected == null || expected.check(found, out) ? OK : CORRUPT;
        }
        catch (final JournalCorruptedException ex)
        {
            out.println("CORRUPT: " + ex.getMessage());
            return CORRUPT;
        }
    }

    /** A head stored elsewhere: {@code POSITION:HASH}. */
    record ExpectedHead(long position, String hash)
    {
        static ExpectedHead parse(final String text)
        {
            final int colon = text.indexOf(':');
            if (colon < 1)
            {
                throw new IllegalArgumentException("expected POSITION:HASH (a position, a colon, 64 hex digits), got '" +
                    text + "'");
            }
            final long position;
            try
            {
                position = Long.parseLong(text.substring(0, colon));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text.substring(0, colon) + "' is not a position");
            }
            if (position < 1)
            {
                throw new IllegalArgumentException("the position must be at least 1, was " + position);
            }
            final String hash = text.substring(colon + 1).toLowerCase(java.util.Locale.ROOT);
            if (!hash.matches("[0-9a-f]{64}"))
            {
                throw new IllegalArgumentException("the hash must be 64 hex digits, got '" + text.substring(colon + 1) +
                    "'");
            }
            return new ExpectedHead(position, hash);
        }

        /** Prints the outcome; true when the journal holds this head. */
        boolean check(final ChainLink found, final PrintStream out)
        {
            if (found != null && hash.equals(found.hash()))
            {
                out.println("expected head    " + position + ':' + hash + " MATCHES");
                return true;
            }
            out.println("expected head    " + position + ':' + hash + " DOES NOT MATCH: " +
                (found == null ? "not found" : found.hash() != null ? "the journal's chain hash there is " + found.hash() +
                    " (the journal up to this position was rewritten, or the head belongs to another journal)" :
                    found.problem()));
            return false;
        }
    }
}
