package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.ledger.Account;
import dev.strand.journal.JournalVerifier;
import dev.strand.journal.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Journals of format 3 stay readable: a data directory written by the last build before trace contexts (journal
 * format 3, hash chain from the first commit) opens with this build at the same state hash, balances and chain head;
 * its events have no traceparent; new commands, traced or not, are appended in format 4 and continue the same chain.
 */
class JournalFormat3FixtureTest
{
    private static final Pattern BALANCE = Pattern.compile("(acc-\\d+) Account\\[.*balance=(\\d+),.*");
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @TempDir
    Path dir;

    @Test
    void shouldOpenAFormat3DataDirectoryAndContinueItsChainInFormat4() throws Exception
    {
        final Path fixture = Path.of(getClass().getResource("/fixtures/journal-format-3/expected.txt").toURI()).getParent();
        copy(fixture.resolve("journal"), dir.resolve("journal"));
        copy(fixture.resolve("snapshots"), dir.resolve("snapshots"));
        final List<String> expected = Files.readAllLines(fixture.resolve("expected.txt"));
        final String head = value(expected, "head ");

        final VerifyReport before = JournalVerifier.verify(dir.resolve("journal"));
        assertThat(before.isCorrupt()).isFalse();
        assertThat(before.lastPosition() + ":" + before.headHash()).as("the chain head the format-3 build printed")
            .isEqualTo(head);

        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.journalPosition()).isEqualTo(101);
            assertThat(engine.journalHead().position() + ":" + engine.journalHead().hash()).isEqualTo(head);
            assertThat(engine.stateHash().get(10, TimeUnit.SECONDS)).as("the state hash the format-3 build computed")
                .isEqualTo(Long.parseUnsignedLong(value(expected, "stateHash "), 16));
            engine.awaitReadModel(101, Duration.ofSeconds(10)).get();
            for (final String line : expected)
            {
                final Matcher m = BALANCE.matcher(line);
                if (m.matches())
                {
                    final Account account = (Account)engine.aggregate(m.group(1)).orElseThrow().state();
                    assertThat(account.balance()).as(m.group(1)).isEqualTo(Long.parseLong(m.group(2)));
                }
            }
            assertThat(engine.readEvents(1, 200, EventFilter.ALL, 1000).events())
                .hasSize(101).extracting(RecordedEvent::traceparent).containsOnly((String)null);
            assertThat(run(engine, command(engine, "dep-3", "Deposit", "acc-3", Command.ANY_VERSION,
                data("amount", 103L))).replayed()).as("a repeat, told by the journaled fingerprint").isTrue();
            final CommandResult traced = run(engine, command(engine, "new-1", "Deposit", "acc-3", Command.ANY_VERSION,
                data("amount", 1L)).withTraceparent(TRACEPARENT));
            assertThat(traced.position()).isEqualTo(102);
            assertThat(run(engine, command(engine, "new-2", "Deposit", "acc-3", Command.ANY_VERSION,
                data("amount", 1L))).position()).isEqualTo(103);
        }
        final VerifyReport after = JournalVerifier.verify(dir.resolve("journal"));
        assertThat(after.isCorrupt()).isFalse();
        assertThat(after.chainStart()).as("one chain, from the fixture's first commit").isEqualTo(1);
        assertThat(after.lastPosition()).isEqualTo(103);
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.readEvents(100, 10, EventFilter.ALL, 1000).events())
                .extracting(RecordedEvent::traceparent).containsExactly(null, null, TRACEPARENT, null);
            assertThat(engine.journalHead().hash()).isEqualTo(after.headHash());
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
