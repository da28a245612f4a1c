package dev.strand.gateway.cli;

import dev.strand.journal.tools.JournalDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code strand dump [dir] [--from N] [--limit N]}: prints events. */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {
        "Prints one line per event: position commit=first..last ts= aggregate=type/id v= event=type@schema " +
            "command= correlation= causation= payload=<n>B:<first 32 bytes in hex>. Writes nothing; safe beside a " +
            "running server."},
    footerHeading = "%nExit status:%n",
    footer = {"  0  ok", "  1  corrupt (the line names file and position)", "  2  usage error"})
final class DumpCommand implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(index = "0", arity = "0..1", defaultValue = "./data", paramLabel = "<dir>",
        description = "a data directory (its journal/ is read) or a journal directory; default ${DEFAULT-VALUE}")
    Path dir;

    @Option(names = "--from", paramLabel = "<position>", defaultValue = "1", description = "first position; default ${DEFAULT-VALUE}")
    long from;

    @Option(names = "--limit", paramLabel = "<n>", description = "most events to print; default all")
    Long limit;

    DumpCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call()
    {
        return JournalDump.dump(JournalDirectory.of(dir), from, limit == null ? Long.MAX_VALUE : limit, out, err);
    }
}
