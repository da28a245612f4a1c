package dev.strand.gateway.cli;

import dev.strand.gateway.GatewayConfig;
import dev.strand.gateway.Server;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar strand.jar [command] [flags]}: the one command line of Strand. With no command it serves, so
 * {@code java -jar strand.jar --port 9000} and {@code java -jar strand.jar serve --port 9000} are the same.
 */
@Command(
    name = "strand",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    sortOptions = false,
    abbreviateSynopsis = true,
    usageHelpAutoWidth = true,
    description = {
        "Event-sourced command service: commands over HTTP, an immutable journal, live event streams. With no " +
            "command it serves (as 'serve'). Every flag has an environment variable (--body-limit = " +
            "STRAND_BODY_LIMIT) and a line in a --config file; flags beat the file, which beats the environment. Sizes take KiB, MiB, GiB (64MiB); plain numbers are bytes."},
    subcommands = {ServeCommand.class, VerifyCommand.class, DumpCommand.class, BackupCommand.class,
        RestoreCommand.class, ReplayCommand.class, HashKeyCommand.class, SchemaCommand.class},
    footerHeading = "%nExit status:%n",
    footer = ExitCode.HELP)
public final class StrandCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    StrandCommand(final Map<String, String> env)
    {
        this.env = env;
    }

    @Override
    public Integer call()
    {
        return Server.serve(SettingOptions.serverConfig(spec.commandLine().getParseResult(), env));
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments.
     * @param env  the environment.
     * @param out  standard output.
     * @param err  standard error: usage and start-up failures, one line each.
     * @return the exit status ({@link ExitCode}).
     */
    public static int execute(final String[] args, final Map<String, String> env, final PrintStream out, final PrintStream err)
    {
        final CommandLine cli = commandLine(env, out, err);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        try
        {
            return cli.execute(args);
        }
        catch (final Error error)
        {
            // picocli hands Exceptions to the handler above and lets Errors through: one line for them too
            dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(error);
            err.println("strand: " + ExitCode.describe(error));
            return ExitCode.of(error);
        }
    }

    static CommandLine commandLine(final Map<String, String> env, final PrintStream out, final PrintStream err)
    {
        final CommandLine cli = new CommandLine(new StrandCommand(env), new Factory(env, out, err));
        SettingOptions.addConfigFileOption(cli.getCommandSpec());
        SettingOptions.addTo(cli.getCommandSpec(), GatewayConfig.SETTINGS);
        SettingOptions.addConfigFileOption(cli.getSubcommands().get("serve").getCommandSpec());
        SettingOptions.addTo(cli.getSubcommands().get("serve").getCommandSpec(), GatewayConfig.SETTINGS);
        cli.setParameterExceptionHandler((ex, args) ->
        {
            ex.getCommandLine().getErr().println("strand: " + ex.getMessage().replaceAll("\\s*\\R\\s*", " ") + " (see --help)");
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) ->
        {
            dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(ex);
            commandLine.getErr().println("strand: " + ExitCode.describe(ex));
            return ExitCode.of(ex);
        });
        return cli;
    }

    /** Gives the commands the environment and the output streams. */
    private record Factory(Map<String, String> env, PrintStream out, PrintStream err) implements CommandLine.IFactory
    {
        @Override
        public <K> K create(final Class<K> type) throws Exception
        {
            if (type == ServeCommand.class)
            {
                return type.cast(new ServeCommand(env));
            }
            if (type == VerifyCommand.class)
            {
                return type.cast(new VerifyCommand(out, err));
            }
            if (type == DumpCommand.class)
            {
                return type.cast(new DumpCommand(out, err));
            }
            if (type == BackupCommand.class)
            {
                return type.cast(new BackupCommand(out, err));
            }
            if (type == RestoreCommand.class)
            {
                return type.cast(new RestoreCommand(out, err));
            }
            if (type == ReplayCommand.class)
            {
                return type.cast(new ReplayCommand(out, err));
            }
            if (type == StrandCommand.class)
            {
                return type.cast(new StrandCommand(env));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
