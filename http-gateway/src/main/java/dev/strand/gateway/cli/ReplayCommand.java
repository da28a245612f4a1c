package dev.strand.gateway.cli;

import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.ModuleDirectory;
import dev.strand.engine.api.Replay;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.journal.JournalBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code strand replay --data-dir DIR [--modules DIR] [--to POSITION] [--compare]}: rebuilds the state from the journal
 * in memory through the module code given, and with {@code --compare} names the aggregates it would change.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {
        "Rebuilds the state from a data directory's journal in memory, through the module code given, and prints the " +
            "state hash, the aggregate count and the events per second. Writes nothing; safe beside a running " +
            "server. --modules DIR tries the jars in DIR (loaded apart from the class path: each of their modules " +
            "replaces the shipped module of the same aggregate type). --compare also replays through the current " +
            "code (the shipped modules, plus --current-modules DIR when the server runs with --modules) and lists the " +
            "aggregates whose state differs. Replays from position 1, from the archive when retention moved the " +
            "journal's start there, else from the newest snapshot that continues the journal (and says so)."},
    footerHeading = "%nExit status:%n",
    footer = {"  0  replayed (with --compare: whatever the differences)",
        "  1  cannot replay: an event the modules given cannot apply, or a damaged journal (the line says which)",
        "  2  usage error"})
final class ReplayCommand implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--data-dir", required = true, paramLabel = "<dir>", description = "the data directory")
    Path dataDir;

    @Option(names = "--modules", paramLabel = "<dir>",
        description = "a directory of module jars to replay through; default: the shipped modules")
    Path modules;

    @Option(names = "--to", paramLabel = "<position>", description = "the last position to apply; default: the end")
    Long to;

    @Option(names = "--compare", description = "also replay through the current code and list the aggregates that differ")
    boolean compare;

    @Option(names = "--current-modules", paramLabel = "<dir>",
        description = "with --compare: the --modules directory the server runs with (the current code besides the " +
            "shipped modules)")
    Path currentModules;

    @Option(names = "--archive-dir", paramLabel = "<dir>",
        description = "where retention archived cycle files; default: archive/ in the data directory")
    Path archiveDir;

    @Option(names = "--idempotency-window", paramLabel = "<n>", defaultValue = "1000000",
        description = "the server's --idempotency-window, for the state hash to match its own; default ${DEFAULT-VALUE}")
    int window;

    @Option(names = "--list", paramLabel = "<n>", defaultValue = "50",
        description = "with --compare: the most differing aggregates to print; default ${DEFAULT-VALUE}")
    int list;

    ReplayCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call()
    {
        if (!Files.isDirectory(dataDir.resolve(JournalBackup.JOURNAL)))
        {
            err.println("strand: no journal in " + dataDir.toAbsolutePath().normalize());
            return ExitCode.USAGE;
        }
        if (to != null && to < 1)
        {
            err.println("strand: --to must be at least 1, was " + to);
            return ExitCode.USAGE;
        }
        if (currentModules != null && !compare)
        {
            err.println("strand: --current-modules is for --compare");
            return ExitCode.USAGE;
        }
        final Path archive = archiveDir != null ? archiveDir : dataDir.resolve("archive");
        final long end = to == null ? Long.MAX_VALUE : to;
        final List<AggregateModule<?>> given = modules == null ? EngineConfig.discoverModules() :
            ModuleDirectory.loadReplacing(modules);
        if (!compare)
        {
            print("replayed", Replay.run(dataDir, archive, given, end, window), given);
            return ExitCode.OK;
        }
        final List<AggregateModule<?>> current = currentModules == null ? EngineConfig.discoverModules() :
            ModuleDirectory.load(currentModules);
        final Replay.Comparison c = Replay.compare(dataDir, archive, current, given, end, window, list);
        print("current code", c.current(), current);
        print("code given", c.replayed(), given);
        out.println("compared         " + c.differences().compared() + " aggregates, " + c.differences().differing() +
            " differ" + (c.differences().differing() > c.differences().listed().size() ? " (the first " +
            c.differences().listed().size() + " by id below)" : ""));
        for (final Replay.Difference d : c.differences().listed())
        {
            out.println("differs          " + d.aggregateId() + " (" + d.aggregateType() + "): current " + d.current() +
                "; given " + d.replayed());
        }
        return ExitCode.OK;
    }

    private void print(final String what, final Replay.Result r, final List<AggregateModule<?>> through)
    {
        out.println(what + " ".repeat(Math.max(1, 17 - what.length())) + describe(through));
        out.println("position         " + r.position());
        out.println("events           " + r.events());
        out.println("aggregates       " + r.aggregates());
        out.println("state hash       " + r.stateHash());
        out.println(String.format(Locale.ROOT, "events/s         %.0f", r.eventsPerSecond()));
        out.println("took             " + r.nanos() / 1_000_000 + " ms");
        for (final String note : r.notes())
        {
            out.println("note             " + note);
        }
    }

    private static String describe(final List<AggregateModule<?>> modules)
    {
        final StringBuilder sb = new StringBuilder();
        for (final AggregateModule<?> m : modules)
        {
            if (sb.length() > 0)
            {
                sb.append(", ");
            }
            sb.append(m.aggregateType()).append(" (").append(m.getClass().getName()).append(')');
        }
        return sb.toString();
    }
}
