package dev.strand.gateway.cli;

import dev.strand.gateway.http.ApiKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code strand hash-key [key]}: the SHA-256 hash of an API key, for {@code --api-keys}. */
@Command(
    name = "hash-key",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {
        "Prints the SHA-256 hash (hex) of an API key, to put in --api-keys role:<hash>. The server stores only " +
            "hashes. With no key, reads one line from standard input (keeps the key out of the shell history)."})
final class HashKeyCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<key>", description = "the key; default: one line from stdin")
    String key;

    @Override
    public Integer call() throws IOException
    {
        String k = key;
        if (k == null)
        {
            k = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (k == null || k.isEmpty())
        {
            spec.commandLine().getErr().println("strand: hash-key needs a key (as an argument or one line on stdin)");
            return ExitCode.USAGE;
        }
        spec.commandLine().getOut().println(ApiKeys.sha256Hex(k));
        return ExitCode.OK;
    }
}
