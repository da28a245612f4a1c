package dev.strand.gateway;

import dev.strand.gateway.cli.StrandCommand;

/**
 * {@code java -jar strand.jar [serve|verify|dump|hash-key] [flags]}: see {@link StrandCommand}. Exits with the
 * command's status ({@link dev.strand.gateway.cli.ExitCode}).
 */
public final class Main
{
    private Main()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(StrandCommand.execute(args, System.getenv(), System.out, System.err));
    }
}
