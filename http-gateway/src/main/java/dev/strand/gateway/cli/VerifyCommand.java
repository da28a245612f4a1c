package dev.strand.gateway.cli;

import dev.strand.journal.tools.JournalVerify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code strand verify [dir]}: checks every record of a journal. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {
        "Walks a journal and checks every record (CRC32C, format, gapless positions); prints commits, events, " +
            "positions, cycle files, dropped indexes, a torn tail (which the next start drops) or the corruption's " +
            "file and position. Writes nothing; safe beside a running server."},
    footerHeading = "%nExit status:%n",
    footer = {"  0  sound (a torn tail is sound)", "  1  corrupt", "  2  usage error"})
final class VerifyCommand implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(index = "0", arity = "0..1", defaultValue = "./data", paramLabel = "<dir>",
        description = "a data directory (its journal/ is read) or a journal directory; default ${DEFAULT-VALUE}")
    Path dir;

    VerifyCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call()
    {
        return JournalVerify.verify(JournalDirectory.of(dir), out, err);
    }
}
