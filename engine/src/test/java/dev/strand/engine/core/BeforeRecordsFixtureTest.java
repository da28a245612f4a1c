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
 * The last build before SPI v2 stays readable: a data directory it wrote (journal format 3 with the hash chain, a
 * snapshot taken at a commit end with the chain hash there) opens with this build (the ledger on records, derived
 * codecs), reaches the same state hash, head hash and balances, tells repeats of its commands by their journaled
 * fingerprints (including an OpenAccount that left currency and overdraftLimit to their defaults, and one with no
 * data at all), and takes new commands, the chain going on from the old head.
 */
class BeforeRecordsFixtureTest
{
    private static final Pattern ACCOUNT = Pattern.compile(
        "(acc-\\d+) Account\\[owner=(.*), currency=(\\w+), balance=(-?\\d+), overdraftLimit=(\\d+), open=(\\w+)]");

    @TempDir
    Path dir;

    @Test
    void shouldOpenADataDirectoryOfTheBuildBeforeRecordsAtTheSameStateHash() throws Exception
    {
        final Path fixture = Path.of(getClass().getResource("/fixtures/before-records/expected.txt").toURI()).getParent();
        copy(fixture.resolve("journal"), dir.resolve("journal"));
        copy(fixture.resolve("snapshots"), dir.resolve("snapshots"));
        final List<String> expected = Files.readAllLines(fixture.resolve("expected.txt"));
        final String head = value(expected, "head ");

        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.journalPosition()).isEqualTo(104);
            assertThat(engine.stateHash().get(10, TimeUnit.SECONDS)).as("the state hash the build before SPI v2 computed")
                .isEqualTo(Long.parseUnsignedLong(value(expected, "stateHash "), 16));
            assertThat(head).contains("position=104, hash=" + engine.journalHead().hash() + ",");
            engine.awaitReadModel(104, Duration.ofSeconds(10)).get();
            int accounts = 0;
            for (final String line : expected)
            {
                final Matcher m = ACCOUNT.matcher(line);
                if (m.matches())
                {
                    accounts++;
                    final Account account = (Account)engine.aggregate(m.group(1)).orElseThrow().state();
                    assertThat(account.owner()).as(m.group(1)).isEqualTo(m.group(2).equals("null") ? null : m.group(2));
                    assertThat(account.currency()).as(m.group(1)).isEqualTo(m.group(3));
                    assertThat(account.balance()).as(m.group(1)).isEqualTo(Long.parseLong(m.group(4)));
                    assertThat(account.overdraftLimit()).as(m.group(1)).isEqualTo(Long.parseLong(m.group(5)));
                    assertThat(account.open()).as(m.group(1)).isEqualTo(Boolean.parseBoolean(m.group(6)));
                }
            }
            assertThat(accounts).isEqualTo(9);

            // repeats, told by the fingerprints that build journaled (defaults read as its decoder read them)
            assertThat(run(engine, command(engine, "open-6", "OpenAccount", "acc-6", Command.ANY_VERSION,
                data("owner", "no currency"))).replayed()).isTrue();
            assertThat(run(engine, command(engine, "open-8", "OpenAccount", "acc-8", Command.ANY_VERSION, data()))
                .replayed()).isTrue();
            assertThat(run(engine, command(engine, "open-7", "OpenAccount", "acc-7", Command.ANY_VERSION,
                data("owner", "with overdraft", "currency", "EUR", "overdraftLimit", 500L))).replayed()).isTrue();
            assertThat(run(engine, command(engine, "tr-4", "Transfer", "acc-4", Command.ANY_VERSION,
                data("to", "acc-7", "amount", 14L))).replayed()).isTrue();
            assertThat(run(engine, command(engine, "open-6", "OpenAccount", "acc-6", Command.ANY_VERSION,
                data("owner", "no currency", "currency", "USD"))).rejection().code())
                .isEqualTo(ResultCodes.IDEMPOTENCY_KEY_REUSED);

            final CommandResult fresh = run(engine,
                command(engine, "new-1", "Deposit", "acc-7", Command.ANY_VERSION, data("amount", 36L)));
            assertThat(fresh.position()).isEqualTo(105);
        }
        final dev.strand.journal.VerifyReport report = dev.strand.journal.JournalVerifier.verify(dir.resolve("journal"));
        assertThat(report.isCorrupt()).isFalse();
        assertThat(report.chainStart()).as("one chain from the first commit the old build wrote").isEqualTo(1);
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.journalPosition()).isEqualTo(105);
            engine.awaitReadModel(105, Duration.ofSeconds(10)).get();
            assertThat(((Account)engine.aggregate("acc-7").orElseThrow().state()).balance()).isEqualTo(-400);
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
