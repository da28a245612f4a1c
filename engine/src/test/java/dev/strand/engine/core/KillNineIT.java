package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EventPage;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.ledger.Account;
import dev.strand.engine.ledger.LedgerEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM that is writing under load with SIGKILL at random moments, several times over the same data
 * directory, and checks after each kill: every acknowledged command is in the journal at the position it was
 * acknowledged with, positions are gapless, transfers are never half-journaled, and balances equal the replay of
 * the events.
 */
class KillNineIT
{
    private static final int ACCOUNTS = 20;
    private static final int KILLS = Integer.getInteger("strand.kills", 5);
    /** Each child's log (its stderr and its logback lines): printed when the test fails, kept for reading. */
    private static final Path LOGS = Path.of("target", "test-logs", "kill-nine-it");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldLoseNoAcknowledgedEventAcrossRepeatedKillNine() throws Exception
    {
        final Map<String, Long> acknowledged = new HashMap<>();
        for (int kill = 0; kill < KILLS; kill++)
        {
            final Path log = LOGS.resolve("child-" + kill + ".log").toAbsolutePath();
            java.nio.file.Files.createDirectories(LOGS);
            java.nio.file.Files.deleteIfExists(log);
            final Process child = startChild(log);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
            {
                final int target = 2_000 + ThreadLocalRandom.current().nextInt(30_000);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                int acks = 0;
                String line;
                while ((line = lines.readLine()) != null && acks < target && System.nanoTime() < deadline)
                {
                    if (line.startsWith("ACK "))
                    {
                        final String[] parts = line.split(" ");
                        acknowledged.put(parts[1], Long.parseLong(parts[2]));
                        acks++;
                    }
                }
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
                assertThat(acks).as("child %d acknowledged commands before the kill; its log:%n%s", kill, tail(log)).isGreaterThan(0);
            }
            finally
            {
                child.destroyForcibly();
            }
            try
            {
                verify(acknowledged);
            }
            catch (final AssertionError | Exception ex)
            {
                throw new AssertionError("after kill " + kill + ": " + ex.getMessage() + "\nthe child's log:\n" + tail(log), ex);
            }
        }
    }

    private static String tail(final Path log)
    {
        try
        {
            final List<String> lines = java.nio.file.Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (final java.io.IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    private Process startChild(final Path log) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle"))
            {
                cmd.add(arg);
            }
        }
        cmd.add("-Xmx512m");
        cmd.add("-Dstrand.test.log=" + log);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashingWriter.class.getName());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(ACCOUNTS));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private void verify(final Map<String, Long> acknowledged) throws Exception
    {
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
        {
            final long end = engine.journalPosition();
            final Map<String, List<RecordedEvent>> byCommand = new HashMap<>();
            final Map<String, Long> balances = new HashMap<>();
            long expected = 1;
            long from = 1;
            while (from <= end)
            {
                final EventPage page = engine.readEvents(from, 10_000, null, 10_000);
                for (final RecordedEvent event : page.events())
                {
                    assertThat(event.position()).as("gapless positions").isEqualTo(expected++);
                    byCommand.computeIfAbsent(event.commandId(), k -> new ArrayList<>()).add(event);
                    balances.put(event.aggregateId(), balanceOf(event.data()));
                }
                from = page.next();
            }
            assertThat(expected - 1).isEqualTo(end);

            for (final Map.Entry<String, Long> ack : acknowledged.entrySet())
            {
                final List<RecordedEvent> events = byCommand.get(ack.getKey());
                assertThat(events).as("acknowledged command %s is in the journal", ack.getKey()).isNotNull();
                assertThat(events.get(events.size() - 1).position()).isEqualTo(ack.getValue());
            }
            for (final List<RecordedEvent> events : byCommand.values())
            {
                if (events.get(0).data() instanceof LedgerEvents.TransferSent)
                {
                    assertThat(events).as("a transfer is never half-journaled").hasSize(2);
                    assertThat(events.get(1).data()).isInstanceOf(LedgerEvents.TransferReceived.class);
                }
            }
            engine.awaitReadModel(end, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            long total = 0;
            for (int i = 0; i < ACCOUNTS; i++)
            {
                final AggregateView view = engine.aggregate("k-" + i).orElseThrow();
                final long balance = ((Account)view.state()).balance();
                assertThat(balance).as("balance of k-%d equals the replay of its events", i).isEqualTo(balances.get("k-" + i));
                total += balance;
            }
            long deposited = 0;
            for (final List<RecordedEvent> events : byCommand.values())
            {
                if (events.get(0).data() instanceof LedgerEvents.Deposited d)
                {
                    deposited += d.amount();
                }
            }
            assertThat(total).as("transfers conserve money: total = sum of deposits").isEqualTo(deposited);
        }
    }

    private static long balanceOf(final Object data)
    {
        if (data instanceof LedgerEvents.AccountOpened e)
        {
            return e.balance();
        }
        if (data instanceof LedgerEvents.Deposited e)
        {
            return e.balance();
        }
        if (data instanceof LedgerEvents.Withdrawn e)
        {
            return e.balance();
        }
        if (data instanceof LedgerEvents.TransferSent e)
        {
            return e.balance();
        }
        if (data instanceof LedgerEvents.TransferReceived e)
        {
            return e.balance();
        }
        if (data instanceof LedgerEvents.AccountClosed e)
        {
            return e.balance();
        }
        throw new AssertionError("unexpected event " + data);
    }
}
