package dev.strand.gateway.cli;

import dev.strand.gateway.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code strand serve [flags]}: runs the server until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    sortOptions = false,
    abbreviateSynopsis = true,
    usageHelpAutoWidth = true,
    description = {
        "Runs the engine and the HTTP/WebSocket server until SIGTERM or SIGINT (then drains, snapshots, exits 0). " +
            "Every flag has an environment variable (--body-limit = STRAND_BODY_LIMIT) and a line in a --config file; " +
            "flags beat the file, which beats the environment. Sizes take KiB, " +
            "MiB, GiB (64MiB); plain numbers are bytes."},
    footerHeading = "%nExit status:%n",
    footer = ExitCode.HELP)
final class ServeCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    ServeCommand(final Map<String, String> env)
    {
        this.env = env;
    }

    @Override
    public Integer call()
    {
        return Server.serve(SettingOptions.serverConfig(spec.commandLine().getParseResult(), env));
    }
}
