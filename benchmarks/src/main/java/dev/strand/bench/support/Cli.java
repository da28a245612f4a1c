package dev.strand.bench.support;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * How the benchmark tools run their picocli commands: usage errors are one line and exit status 2, {@code --help}
 * prints the usage and exits 0, a failure while running is one line and exit status 1.
 */
public final class Cli
{
    /** Exit status of a usage error. */
    public static final int USAGE = 2;

    private Cli()
    {
    }

    /**
     * @param name    the tool's name, prefixed to error lines.
     * @param command the picocli command object.
     * @param args    the arguments.
     * @return the exit status.
     */
    public static int execute(final String name, final Callable<Integer> command, final String... args)
    {
        final CommandLine cli = new CommandLine(command);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, a) ->
        {
            ex.getCommandLine().getErr().println(name + ": " + oneLine(ex.getMessage()) + " (--help lists the options)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) ->
        {
            commandLine.getErr().println(name + ": " + oneLine(ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 1;
        });
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    private static String oneLine(final String text)
    {
        return text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
