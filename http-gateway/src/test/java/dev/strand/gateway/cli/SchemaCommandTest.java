package dev.strand.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strand schema check|lock} on the class path's modules (the ledger and the gateway's test modules): the
 * repository's committed {@code schemas.lock} passes; a lock whose Deposited schema differs (as after a component
 * was added to the record at the same schema version) fails in one line with exit status 1; lock writes a lock that
 * passes.
 */
class SchemaCommandTest
{
    /** The repository root's lock, which CI checks against the shipped jar (the ledger only). */
    private static final Path COMMITTED = Path.of("..", "schemas.lock");

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int strand(final String... args)
    {
        out.reset();
        err.reset();
        return StrandCommand.execute(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPassTheCommittedLockAndFailOneWhoseSchemaChangedAtTheSameVersion() throws Exception
    {
        assertThat(strand("schema", "check", "--lock", COMMITTED.toString())).as(err()).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("locked event schemas compatible");

        final String committed = Files.readString(COMMITTED);
        final String changed = committed.replaceAll("(?m)^(account Deposited 1 )[0-9a-f]{64}$",
            "$1" + "0".repeat(64));
        assertThat(changed).isNotEqualTo(committed);
        final Path lock = Files.writeString(dir.resolve("schemas.lock"), changed);
        assertThat(strand("schema", "check", "--lock", lock.toString())).isEqualTo(ExitCode.FAILED);
        assertThat(err()).startsWith("strand: " + lock + ": event schema account/Deposited v1 changed without a new " +
            "schema version and upcaster").endsWith("\n");
        assertThat(err().lines()).hasSize(1);
        assertThat(strand("schema", "lock", "--lock", lock.toString())).as("never rewritten over a change")
            .isEqualTo(ExitCode.FAILED);
        assertThat(Files.readString(lock)).isEqualTo(changed);
    }

    @Test
    void shouldWriteALockThatPassesAndRefuseAMissingOrMalformedOne() throws Exception
    {
        final Path lock = dir.resolve("new.lock");
        assertThat(strand("schema", "check", "--lock", lock.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err()).isEqualTo("strand: --lock " + lock + ": no such file (strand schema lock writes it)\n");
        assertThat(strand("schema", "lock", "--lock", lock.toString())).as(err()).isEqualTo(ExitCode.OK);
        assertThat(Files.readString(lock)).contains("\naccount Deposited 1 ").contains("\nkit Assembled 1 ");
        assertThat(strand("schema", "check", "--lock", lock.toString())).as(err()).isEqualTo(ExitCode.OK);

        Files.writeString(lock, "account Deposited\n");
        assertThat(strand("schema", "check", "--lock", lock.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("strand: --lock " + lock + ": line 1 is not");
        assertThat(strand("schema")).isEqualTo(ExitCode.USAGE);
    }
}
