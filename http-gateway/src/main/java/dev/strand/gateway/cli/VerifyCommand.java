package dev.strand.gateway.cli;

import dev.strand.journal.tools.JournalVerify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code strand verify [dir] [--expect-head POSITION:HASH]}: checks every record and the hash chain of a journal. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {
        "Walks a journal and checks every record (CRC32C, format, gapless positions) and the hash chain (each " +
            "commit's SHA-256 over the previous one and its bytes); prints commits, events, positions, the chain's " +
            "start and head, cycle files, dropped indexes, a torn tail (which the next start drops) or the " +
            "corruption's file, position and commit. When retention archived cycle files, also checks that the " +
            "archive's chain joins the journal's. Writes nothing; safe beside a running server."},
    footerHeading = "%nExit status:%n",
    footer = {"  0  sound (a torn tail is sound)", "  1  corrupt, or the expected head does not match",
        "  2  usage error"})
final class VerifyCommand implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(index = "0", arity = "0..1", defaultValue = "./data", paramLabel = "<dir>",
        description = "a data directory (its journal/ is read) or a journal directory; default ${DEFAULT-VALUE}")
    Path dir;

    @Option(names = "--expect-head", paramLabel = "<position:hash>",
        description = "also check that the commit ending at this position has this chain hash (64 hex digits): a " +
            "head stored elsewhere, from GET /admin/journal/head or a backup's manifest")
    String expectHead;

    @Option(names = "--archive-dir", paramLabel = "<dir>",
        description = "where retention archived cycle files (checked when the journal starts after position 1); " +
            "default: archive/ in the data directory")
    Path archiveDir;

    VerifyCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call()
    {
        final Path journal = JournalDirectory.of(dir);
        return archiveDir == null ? JournalVerify.verify(journal, expectHead, out, err) :
            JournalVerify.verify(journal, expectHead, archiveDir, out, err);
    }
}
