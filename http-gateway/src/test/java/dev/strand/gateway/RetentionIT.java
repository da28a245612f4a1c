package dev.strand.gateway;

import dev.strand.gateway.cli.StrandCommand;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static dev.strand.gateway.TestServer.await;
import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention over HTTP: cycle files archived by {@code POST /admin/journal/retention}; reads and temporal queries that
 * need them answer 410 {@code ARCHIVED} with {@code firstPosition}; the metrics and the head say where the journal
 * starts; {@code strand verify} checks that the archive's chain joins the journal's; a restart keeps the state.
 */
@Timeout(180)
class RetentionIT
{
    @TempDir
    Path dataDir;

    private static final Map<String, String> SETTINGS = Map.of("roll-cycle", "TEST_SECONDLY", "retention-age", "1ms",
        "snapshot-every-events", "0", "snapshot-every-seconds", "0", "snapshots-kept", "1");

    private static long cycleFiles(final Path dir)
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).count();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    @Test
    void shouldAnswer410ArchivedForWhatRetentionMovedOutAndVerifyTheJoin() throws IOException
    {
        final String stateHash;
        final long first;
        try (TestServer server = TestServer.start(dataDir, SETTINGS))
        {
            server.open("old");
            while (cycleFiles(dataDir.resolve("journal")) < 4)
            {
                server.deposit("old", 1);
            }
            expectOk(await(server.client().post("/admin/snapshots").send()));
            server.open("new");
            server.deposit("new", 7);
            final JsonObject run = expectOk(await(server.client().post("/admin/journal/retention").send()));
            assertThat(run.getBoolean("ok")).as("%s", run).isTrue();
            first = run.getLong("firstPosition");
            assertThat(first).as("%s", run).isGreaterThan(1);
            assertThat(expectOk(server.get("/admin/journal/head")).getLong("firstPosition")).isEqualTo(first);

            assertArchived(server.get("/events?fromPosition=1"), first);
            assertArchived(server.get("/aggregates/old?atVersion=1"), first);
            assertArchived(server.get("/aggregates/old?atPosition=" + (first + 1)), first);
            assertArchived(server.get("/aggregates/old/events?fromVersion=1"), first);
            assertArchived(await(server.client().get("/subscribe?fromPosition=1").putHeader("Upgrade", "websocket")
                .putHeader("Connection", "Upgrade").putHeader("Sec-WebSocket-Version", "13")
                .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").send()), first);
            assertThat(expectOk(server.get("/events?fromPosition=" + first + "&limit=1")).getJsonArray("events")
                .getJsonObject(0).getLong("position")).isEqualTo(first);
            assertThat(expectOk(server.get("/aggregates/new?atVersion=1")).getLong("version")).isEqualTo(1);
            assertThat(expectOk(server.get("/aggregates/old")).getJsonObject("state").getLong("balance"))
                .as("the current state is untouched").isPositive();

            final String metrics = server.get("/metrics").bodyAsString();
            assertThat(metrics).contains("strand_journal_first_position " + first + ".0")
                .contains("strand_retention_last_run_ok 1.0").contains("strand_journal_archived_bytes")
                .contains("strand_retention_last_run_timestamp_seconds");
            assertThat(verify()).as(verifyOut).isZero();
            assertThat(verifyOut).contains("archive ").contains("their chain joins the journal at position " + first);
            stateHash = expectOk(server.get("/admin/state-hash")).getString("stateHash");
        }
        try (TestServer server = TestServer.start(dataDir, SETTINGS))
        {
            assertThat(expectOk(server.get("/admin/state-hash")).getString("stateHash")).isEqualTo(stateHash);
            assertArchived(server.get("/aggregates/old?atVersion=2"), first);
        }
        // the archive changed: verify says so
        final Path archived;
        try (Stream<Path> files = Files.list(dataDir.resolve("archive")))
        {
            archived = files.filter(p -> p.toString().endsWith(".cq4")).sorted().findFirst().orElseThrow();
        }
        // inside the bytes as archived (the walk of the verify above extended the file with zeros after them, which
        // nothing reads and the manifest's SHA-256 does not cover)
        final long archivedBytes = Files.readAllLines(dataDir.resolve("archive").resolve("archive.manifest")).stream()
            .filter(l -> l.startsWith("file=" + archived.getFileName() + " ")).findFirst().map(l ->
                Long.parseLong(l.replaceAll(".* fileBytes=([0-9]+) .*", "$1"))).orElseThrow();
        assertThat(Files.size(archived)).isGreaterThanOrEqualTo(archivedBytes);
        final byte[] bytes = Files.readAllBytes(archived);
        bytes[(int)(archivedBytes / 3)] ^= 1;
        Files.write(archived, bytes);
        assertThat(verify()).isEqualTo(1);
        assertThat(verifyOut).contains("archive ").contains("CORRUPT").contains("has SHA-256");
    }

    private String verifyOut;

    private int verify()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        final int status = StrandCommand.execute(new String[] {"verify", dataDir.toString()}, Map.of(), print, print);
        verifyOut = out.toString(StandardCharsets.UTF_8);
        return status;
    }

    private static void assertArchived(final HttpResponse<Buffer> response, final long first)
    {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(410);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        final JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("code")).isEqualTo("ARCHIVED");
        assertThat(body.getLong("firstPosition")).isEqualTo(first);
    }
}
