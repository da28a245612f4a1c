package dev.strand.gateway.cli;

import dev.strand.gateway.GatewayConfig;
import dev.strand.gateway.http.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line in process: help, version, the tools, and the one-line refusals with their exit codes. */
class StrandCommandTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final Map<String, String> env, final String... args)
    {
        return StrandCommand.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int run(final String... args)
    {
        return run(Map.of(), args);
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldListEveryCommandAndEverySettingInHelp()
    {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("serve").contains("verify").contains("dump").contains("backup").contains("restore")
            .contains("hash-key").contains("--version")
            .contains("Exit status:");
        for (final var s : GatewayConfig.SETTINGS)
        {
            assertThat(out()).contains(s.flag()).contains(s.env());
        }
        out.reset();
        // picocli formats descriptions and warns on the process's stderr when one does not format
        final ByteArrayOutputStream processErr = new ByteArrayOutputStream();
        final PrintStream stderr = System.err;
        System.setErr(new PrintStream(processErr, true, StandardCharsets.UTF_8));
        try
        {
            assertThat(run("serve", "--help")).isZero();
        }
        finally
        {
            System.setErr(stderr);
        }
        assertThat(out()).contains("--ring-size").contains("STRAND_RING_SIZE").contains("default 65536")
            .containsPattern("\\(-1 = 10%\\s+of the").doesNotContain("%%");
        assertThat(processErr.toString(StandardCharsets.UTF_8)).as("a setting's %% is text, not a format").isEmpty();
    }

    @Test
    void shouldGiveHelpForEachCommand()
    {
        for (final String command : new String[] {"verify", "dump", "backup", "restore", "hash-key", "serve"})
        {
            out.reset();
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out()).as(command).contains("Usage: strand " + command);
        }
    }

    @Test
    void shouldPrintTheVersion()
    {
        assertThat(run("--version")).isZero();
        assertThat(out()).startsWith("strand ").contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void shouldHashAKey()
    {
        assertThat(run("hash-key", "abc")).isZero();
        assertThat(out().trim()).isEqualTo(ApiKeys.sha256Hex("abc"))
            .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldRefuseUnknownFlagsAndBadValuesWithOneLineAndStatusTwo()
    {
        assertThat(run("--nope", "1")).isEqualTo(ExitCode.USAGE);
        assertThat(err()).isEqualTo("strand: Unknown options: '--nope', '1' (see --help)\n".replace("\n", System.lineSeparator()));
        err.reset();
        assertThat(run("--roll-cycle", "SOMETIMES")).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).singleElement().asString().startsWith("strand: --roll-cycle SOMETIMES: must be one of FIVE_MINUTELY");
        err.reset();
        assertThat(run(Map.of("STRAND_RING_SIZE", "1000"), "serve")).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).containsExactly("strand: STRAND_RING_SIZE=1000: must be a power of two, was 1000");
        err.reset();
        assertThat(run("--port")).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).singleElement().asString().contains("--port");
        assertThat(err()).doesNotContain("\tat ");
    }

    @Test
    void shouldReadAConfigFileBetweenFlagsAndTheEnvironmentAndNameItsLineWhenALineIsBad() throws Exception
    {
        final Path file = dir.resolve("strand.conf");
        Files.writeString(file, "# a comment\nring-size = 1000\n");
        assertThat(run(Map.of("STRAND_RING_SIZE", "1024"), "--config", file.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).as("the file beats the environment")
            .containsExactly("strand: " + file + " line 2: ring-size = 1000: must be a power of two, was 1000");
        err.reset();
        assertThat(run(Map.of("STRAND_CONFIG", file.toString()), "serve", "--ring-size", "999")).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).as("a flag beats the file; STRAND_CONFIG names the file")
            .containsExactly("strand: --ring-size 999: must be a power of two, was 999");
        err.reset();
        Files.writeString(file, "ring-size: 1024\n");
        assertThat(run("serve", "--config", file.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).containsExactly("strand: " + file + " line 1: expected name = value, was 'ring-size: 1024'");
        err.reset();
        assertThat(run("--config", dir.resolve("none.conf").toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).containsExactly("strand: --config " + dir.resolve("none.conf") + ": no such file");
    }

    @Test
    void shouldVerifyAndDumpADataDirectory() throws Exception
    {
        Files.createDirectories(dir.resolve("data").resolve("journal"));
        assertThat(run("verify", dir.resolve("missing").toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err()).contains("not a directory");
        assertThat(run("dump", dir.resolve("data").toString(), "--from", "0")).isEqualTo(ExitCode.USAGE);
        assertThat(run("dump", dir.resolve("data").toString(), "--from", "x")).isEqualTo(ExitCode.USAGE);
        assertThat(run("verify", dir.resolve("data").toString(), "--expect-head", "12:nothex")).isEqualTo(ExitCode.USAGE);
        assertThat(err()).contains("--expect-head: the hash must be 64 hex digits");
    }

    @Test
    void shouldRefuseBackupAndRestoreUsageErrorsWithOneLine() throws Exception
    {
        assertThat(run("backup", "--to", dir.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).singleElement().asString().contains("--data-dir");
        err.reset();
        assertThat(run("backup", "--data-dir", dir.resolve("none").toString(), "--to", dir.resolve("b").toString()))
            .isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).singleElement().asString().startsWith("strand: no journal in");
        err.reset();
        assertThat(run("restore", "--from", dir.resolve("none").toString(), "--data-dir", dir.resolve("new").toString()))
            .isEqualTo(ExitCode.USAGE);
        assertThat(err().lines()).singleElement().asString().contains("is not a directory");
        err.reset();
        Files.createDirectories(dir.resolve("not-a-backup"));
        assertThat(run("restore", "--from", dir.resolve("not-a-backup").toString(), "--data-dir",
            dir.resolve("new").toString())).isEqualTo(ExitCode.FAILED);
        assertThat(err().lines()).singleElement().asString().startsWith("strand: ").contains("not a backup");
        assertThat(dir.resolve("new")).doesNotExist();
    }
}
