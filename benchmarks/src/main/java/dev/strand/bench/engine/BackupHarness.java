package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.Cli;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.journal.BackupManifest;
import dev.strand.journal.Durability;
import dev.strand.journal.JournalBackup;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * How long backup and restore take for a journal of a given size: builds a journal of {@code --events} events (Deposits
 * over 10,000 accounts, in batches), then on the running engine an online backup ({@link Engine#backup}: snapshot
 * into the backup, journal copied record by record and checked), the backup of the data directory without the engine's
 * help ({@code strand backup}: {@link JournalBackup#ofDataDirectory}) after it stopped, a restore of each into a new
 * directory ({@code strand restore}: copy, verify the copy, move into place), an engine start on the restored
 * directory, a replay of the whole journal in memory ({@code strand replay}) and, as its same-run baseline, a raw
 * Chronicle read of the same journal files.
 *
 * <p>Self-check: each backup is at the journal's end; the engine started on the restored online backup, and the
 * replay, have its position and its state hash.
 *
 * <pre>benchmarks/run-harness BackupHarness [--events 1000000]</pre>
 */
@Command(name = "BackupHarness", mixinStandardHelpOptions = true,
    description = "Backup and restore times for a journal of N events.")
public final class BackupHarness implements Callable<Integer>
{
    private static final int ACCOUNTS = 10_000;

    @Option(names = "--events", defaultValue = "1000000", description = "events in the journal; default ${DEFAULT-VALUE}")
    long events;

    private BackupHarness()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("BackupHarness", new BackupHarness(), args));
    }

    @Override
    public Integer call()
    {
        final Path root = BenchDirs.newDir("backup-harness-");
        try
        {
            final Path data = root.resolve("data");
            final EngineConfig config = EngineFixture.config(data, Durability.ASYNC).build();
            final BackupManifest online;
            try (EngineFixture fixture = EngineFixture.restart(config, ACCOUNTS))
            {
                final long build = System.nanoTime();
                EngineFixture.openAccounts(fixture.engine(), "acc-", ACCOUNTS);
                fixture.depositInBatches(events - ACCOUNTS, 1_000);
                System.out.printf(Locale.ROOT, "journal of %,d events built in %.1f s%n", fixture.engine().journalPosition(),
                    (System.nanoTime() - build) / 1e9);
                final long start = System.nanoTime();
                online = fixture.engine().backup(root.resolve("backups"));
                final double seconds = (System.nanoTime() - start) / 1e9;
                if (online.position() != fixture.engine().journalPosition())
                {
                    throw new IllegalStateException("online backup at " + online.position() + ", journal at " +
                        fixture.engine().journalPosition());
                }
                System.out.printf(Locale.ROOT, "online backup (POST /admin/backups): %,d events, %,d bytes, %.2f s " +
                    "(manifest: %d ms)%n", online.position(), online.bytes(), seconds, online.durationMillis());
            }
            final dev.strand.engine.api.Replay.Result replay = dev.strand.engine.api.Replay.run(data,
                data.resolve("archive"), EngineConfig.discoverModules(), Long.MAX_VALUE,
                EngineConfig.IDEMPOTENCY_WINDOW.defaultValue());
            if (!replay.stateHash().equals(online.stateHash()))
            {
                throw new IllegalStateException("replay state hash " + replay.stateHash() + ", the backup recorded " +
                    online.stateHash());
            }
            System.out.printf(Locale.ROOT, "replay (strand replay, in memory, shipped modules): %,d events at %,.0f " +
                "events/s, %d aggregates, state hash %s as recorded%n", replay.events(), replay.eventsPerSecond(),
                replay.aggregates(), replay.stateHash());
            final long rawStart = System.nanoTime();
            long excerpts = 0;
            long rawBytes = 0;
            try (ChronicleQueue queue = ChronicleQueue.singleBuilder(data.resolve("journal")).readOnly(true).build();
                 ExcerptTailer tailer = queue.createTailer())
            {
                while (true)
                {
                    try (DocumentContext dc = tailer.readingDocument())
                    {
                        if (!dc.isPresent())
                        {
                            break;
                        }
                        rawBytes += dc.wire().bytes().readRemaining();
                        excerpts++;
                    }
                }
            }
            final double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
            if (excerpts == 0)
            {
                throw new IllegalStateException("the raw read found no excerpts");
            }
            System.out.printf(Locale.ROOT, "baseline: raw Chronicle read of the same journal (a tailer over every " +
                "excerpt, no checksum, no decoding): %,d excerpts, %,d bytes in %.2f s = %,.0f events/s of the " +
                "replay's %,d; the replay took %.2f s%n", excerpts, rawBytes, rawSeconds, replay.events() / rawSeconds,
                replay.events(), replay.nanos() / 1e9);
            long start = System.nanoTime();
            final BackupManifest offline = JournalBackup.ofDataDirectory(data, root.resolve("offline-backups"));
            System.out.printf(Locale.ROOT, "backup of the data directory (strand backup): %,d events, %,d bytes, %.2f s%n",
                offline.position(), offline.bytes(), (System.nanoTime() - start) / 1e9);

            start = System.nanoTime();
            JournalBackup.restore(online.path(), root.resolve("restored"));
            System.out.printf(Locale.ROOT, "restore of the online backup (strand restore: copy, verify, move): %.2f s%n",
                (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            JournalBackup.restore(offline.path(), root.resolve("restored-offline"));
            System.out.printf(Locale.ROOT, "restore of the data-directory backup: %.2f s%n", (System.nanoTime() - start) / 1e9);

            start = System.nanoTime();
            try (Engine engine = Engine.start(EngineFixture.config(root.resolve("restored"), Durability.ASYNC).build()))
            {
                final double seconds = (System.nanoTime() - start) / 1e9;
                final String hash = engine.positionedStateHash().join().hex();
                if (engine.journalPosition() != online.position() || !hash.equals(online.stateHash()))
                {
                    throw new IllegalStateException("restored engine at " + engine.journalPosition() + " with state hash " +
                        hash + ", the backup recorded " + online.position() + " and " + online.stateHash());
                }
                System.out.printf(Locale.ROOT, "engine start on the restored directory (snapshot, nothing to replay): " +
                    "%.2f s, state hash %s as recorded%n", seconds, hash);
            }
            return 0;
        }
        finally
        {
            BenchDirs.delete(root);
        }
    }
}
