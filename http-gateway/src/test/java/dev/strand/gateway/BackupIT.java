package dev.strand.gateway;

import dev.strand.gateway.cli.StrandCommand;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.strand.gateway.TestServer.await;
import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online backup under load: writers keep submitting while {@code POST /admin/backups} (and {@code strand backup} beside
 * the running server) take backups; each is restored with {@code strand restore} into a new directory, a server started
 * there has the state hash the backup recorded at its position, and its journal is the original's prefix, event for
 * event, with the original's chain hash at that position.
 */
@Timeout(300)
class BackupIT
{
    private static final int WRITERS = 4;
    private static final int ACCOUNTS = 16;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream cliErr = new ByteArrayOutputStream();

    @Test
    void shouldBackUpWhileWritersRunAndRestoreToTheRecordedStateHashAndAPrefixOfTheJournal() throws Exception
    {
        final Path original = dir.resolve("original");
        final Path backups = dir.resolve("backups");
        final List<JsonObject> taken = new ArrayList<>();
        final Path cliBackup;
        final AtomicLong acknowledged = new AtomicLong();
        try (TestServer server = TestServer.start(original, Map.of("backup-dir", backups.toString())))
        {
            for (int a = 0; a < ACCOUNTS; a++)
            {
                server.open("bk-" + a);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            final List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++)
            {
                final int writer = w;
                running.add(writers.submit(() ->
                {
                    for (long i = 0; !stop.get(); i++)
                    {
                        server.deposit("bk-" + ((writer + i) % ACCOUNTS), 1 + i % 50);
                        acknowledged.incrementAndGet();
                    }
                    return null;
                }));
            }
            TestServer.waitUntil("writers under way", 30, () -> acknowledged.get() > 500);
            for (int b = 0; b < 2; b++)
            {
                final long before = acknowledged.get();
                final HttpResponse<Buffer> response = await(server.client().post("/admin/backups").send());
                assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
                taken.add(response.bodyAsJsonObject());
                TestServer.waitUntil("writers went on during the backup", 30, () -> acknowledged.get() > before + 200);
            }
            assertThat(cli("backup", "--data-dir", original.toString(), "--to", dir.resolve("cli-backups").toString()))
                .as("%s%s", cliOut, cliErr).isZero();
            cliBackup = Path.of(line(cliOut.toString(StandardCharsets.UTF_8), "backup"));
            TestServer.waitUntil("more writes after the last backup", 30, () -> acknowledged.get() > 3_000);
            stop.set(true);
            for (final Future<?> f : running)
            {
                f.get(30, TimeUnit.SECONDS);
            }
            writers.shutdown();

            final JsonObject listed = expectOk(server.get("/admin/backups"));
            final JsonArray list = listed.getJsonArray("backups");
            assertThat(list).hasSize(2);
            assertThat(list.getJsonObject(0).getLong("position")).isEqualTo(taken.get(1).getLong("position"));
            assertThat(list.getJsonObject(1).getString("path")).isEqualTo(taken.get(0).getString("path"));
            assertThat(server.gateway().engine().journalPosition())
                .isGreaterThan(taken.get(1).getLong("position"));
        }

        for (final JsonObject backup : taken)
        {
            assertThat(backup.getMap()).containsKeys("position", "path", "bytes", "hash", "stateHash", "snapshotPosition");
            assertThat(backup.getLong("snapshotPosition")).as("the snapshot is at the backup's position")
                .isEqualTo(backup.getLong("position"));
            assertThat(backup.getLong("bytes")).isPositive();
            final Path restored = dir.resolve("restored-" + backup.getLong("position"));
            assertThat(cli("restore", "--from", backup.getString("path"), "--data-dir", restored.toString()))
                .as("%s%s", cliOut, cliErr).isZero();
            try (TestServer server = TestServer.start(restored))
            {
                final JsonObject hash = expectOk(server.get("/admin/state-hash"));
                assertThat(hash.getLong("position")).isEqualTo(backup.getLong("position"));
                assertThat(hash.getString("stateHash")).as("the state hash recorded at the backup's position")
                    .isEqualTo(backup.getString("stateHash"));
                assertThat(expectOk(server.get("/admin/journal/head")).getString("hash")).isEqualTo(backup.getString("hash"));
            }
            assertPrefix(original, restored, backup.getLong("position"), backup.getString("hash"));
            // --cluster-seed prepares a member of a new cluster: the same data, and the seed file naming where it ends
            final Path member = dir.resolve("member-" + backup.getLong("position"));
            assertThat(cli("restore", "--from", backup.getString("path"), "--data-dir", member.toString(), "--cluster-seed"))
                .as("%s%s", cliOut, cliErr).isZero();
            final dev.strand.journal.ClusterSeed seed = dev.strand.journal.ClusterSeed.read(member).orElseThrow();
            assertThat(seed.position()).isEqualTo(backup.getLong("position"));
            assertThat(seed.chainHash()).isEqualTo(backup.getString("hash"));
            assertThat(seed.stateHash()).isEqualTo(backup.getString("stateHash"));
        }

        final Path restoredCli = dir.resolve("restored-cli");
        assertThat(cli("restore", "--from", cliBackup.toString(), "--data-dir", restoredCli.toString()))
            .as("%s%s", cliOut, cliErr).isZero();
        final long cliPosition = Long.parseLong(line(cliOut.toString(StandardCharsets.UTF_8), "position"));
        assertThat(cliPosition).isGreaterThanOrEqualTo(taken.get(1).getLong("position"));
        assertPrefix(original, restoredCli, cliPosition, line(cliOut.toString(StandardCharsets.UTF_8), "hash"));

        assertThat(cli("restore", "--from", taken.get(0).getString("path"), "--data-dir", restoredCli.toString()))
            .as("a non-empty target").isEqualTo(2);
        assertThat(cliErr.toString(StandardCharsets.UTF_8)).contains("is not empty");
    }

    /**
     * The restored journal is the original's first {@code position} events (read back over HTTP from a server on each,
     * compared event for event), and the original's chain hash at {@code position} is the backup's.
     */
    private void assertPrefix(final Path original, final Path restored, final long position, final String hash)
    {
        assertThat(cli("verify", original.toString(), "--expect-head", position + ":" + hash))
            .as("the original's chain hash at %d: %s", position, cliOut).isZero();
        final List<JsonObject> restoredEvents = events(restored, position);
        assertThat(restoredEvents).hasSize((int)position);
        assertThat(events(original, position)).isEqualTo(restoredEvents);
        try (dev.strand.journal.Journal journal = dev.strand.journal.Journal.openReadOnly(restored.resolve("journal")))
        {
            assertThat(journal.lastPosition()).isEqualTo(position);
        }
    }

    private static List<JsonObject> events(final Path dataDir, final long upTo)
    {
        final List<JsonObject> all = new ArrayList<>();
        try (TestServer server = TestServer.start(dataDir, Map.of("snapshot-on-shutdown", "false")))
        {
            long from = 1;
            while (from <= upTo)
            {
                final JsonObject page = expectOk(server.get("/events?fromPosition=" + from + "&limit=1000"));
                final JsonArray events = page.getJsonArray("events");
                for (int i = 0; i < events.size() && from <= upTo; i++, from++)
                {
                    all.add(events.getJsonObject(i));
                }
                if (events.isEmpty())
                {
                    break;
                }
            }
        }
        return all;
    }

    private int cli(final String... args)
    {
        cliOut.reset();
        cliErr.reset();
        return StrandCommand.execute(args, Map.of(), new PrintStream(cliOut, true, StandardCharsets.UTF_8),
            new PrintStream(cliErr, true, StandardCharsets.UTF_8));
    }

    private static String line(final String output, final String key)
    {
        return output.lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow().substring(key.length()).trim();
    }
}
