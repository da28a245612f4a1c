package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.ledger.Account;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.strand.engine.EngineFixture.command;
import static dev.strand.engine.EngineFixture.data;
import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Journals of format 2 stay readable: a data directory written by the last build before the hash chain (journal
 * format 2 with command fingerprints, snapshot container 1, body version 3) opens with this build, reaches the same
 * state hash and balances, and takes new commands; the hash chain starts at the first of them.
 */
class JournalFormat2FixtureTest
{
    private static final Pattern BALANCE = Pattern.compile("(acc-\\d+) Account\\[.*balance=(\\d+),.*");

    @TempDir
    Path dir;

    @Test
    void shouldOpenAFormat2DataDirectoryAtTheSameStateHash() throws Exception
    {
        final Path fixture = Path.of(getClass().getResource("/fixtures/journal-format-2/expected.txt").toURI()).getParent();
        copy(fixture.resolve("journal"), dir.resolve("journal"));
        copy(fixture.resolve("snapshots"), dir.resolve("snapshots"));
        final List<String> expected = Files.readAllLines(fixture.resolve("expected.txt"));

        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.journalPosition()).isEqualTo(101);
            assertThat(engine.stateHash().get(10, TimeUnit.SECONDS)).as("the state hash the format-2 build computed")
                .isEqualTo(Long.parseUnsignedLong(value(expected, "stateHash "), 16));
            engine.awaitReadModel(101, java.time.Duration.ofSeconds(10)).get();
            for (final String line : expected)
            {
                final Matcher m = BALANCE.matcher(line);
                if (m.matches())
                {
                    final Account account = (Account)engine.aggregate(m.group(1)).orElseThrow().state();
                    assertThat(account.balance()).as(m.group(1)).isEqualTo(Long.parseLong(m.group(2)));
                }
            }
            final CommandResult repeat = run(engine,
                command(engine, "dep-3", "Deposit", "acc-3", Command.ANY_VERSION, data("amount", 103L)));
            assertThat(repeat.replayed()).as("a repeat, told by the journaled fingerprint").isTrue();
            assertThat(run(engine, command(engine, "dep-3", "Deposit", "acc-3", Command.ANY_VERSION, data("amount", 1L)))
                .rejection().code()).isEqualTo(ResultCodes.IDEMPOTENCY_KEY_REUSED);
            final CommandResult fresh = run(engine,
                command(engine, "new-1", "Deposit", "acc-3", Command.ANY_VERSION, data("amount", 1L)));
            assertThat(fresh.position()).isEqualTo(102);
        }
        final dev.strand.journal.VerifyReport report = dev.strand.journal.JournalVerifier.verify(dir.resolve("journal"));
        assertThat(report.isCorrupt()).isFalse();
        assertThat(report.chainStart()).as("the chain starts at the first commit this build wrote").isEqualTo(102);
        assertThat(new dev.strand.journal.SnapshotStore(dir.resolve("snapshots"), 3).list().get(0))
            .as("the shutdown snapshot records the chain hash")
            .satisfies(info -> assertThat(info.position()).isEqualTo(102))
            .satisfies(info -> assertThat(info.chainHash()).isEqualTo(report.headHash()));
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.journalPosition()).isEqualTo(102);
            assertThat(run(engine, command(engine, "new-1", "Deposit", "acc-3", Command.ANY_VERSION, data("amount", 1L)))
                .replayed()).isTrue();
        }
    }

    private static String value(final List<String> lines, final String prefix)
    {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    private static void copy(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            files.forEach(f ->
            {
                try
                {
                    Files.copy(f, to.resolve(f.getFileName().toString()));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }
}
