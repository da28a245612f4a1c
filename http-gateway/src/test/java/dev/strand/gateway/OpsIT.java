package dev.strand.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.strand.gateway.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Health, /metrics (checked by promtool when it is installed), admin snapshots and the OpenAPI document. */
@Timeout(120)
class OpsIT
{
    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir);
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldReportLiveAndReady()
    {
        assertThat(server.get("/health/live").bodyAsJsonObject().getString("status")).isEqualTo("UP");
        final HttpResponse<Buffer> ready = server.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.bodyAsJsonObject().getString("state")).isEqualTo("RUNNING");
    }

    @Test
    void shouldExposeEngineAndHttpMetrics()
    {
        server.open("m-1");
        server.deposit("m-1", 5);
        final HttpResponse<Buffer> response = server.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
        final String text = response.bodyAsString();
        assertThat(text)
            .contains("strand_commands_total{outcome=\"accepted\"}")
            .contains("# TYPE strand_append_latency_seconds histogram")
            .contains("strand_append_latency_seconds_bucket{le=\"0.005\"}")
            .contains("strand_append_latency_seconds_bucket{le=\"+Inf\"} ")
            .contains("strand_append_latency_seconds_sum")
            .contains("strand_ring_remaining_capacity")
            .contains("strand_journal_position")
            .contains("strand_journal_bytes")
            .contains("strand_read_model_lag_events")
            .contains("strand_snapshot_age_seconds")
            .contains("strand_engine_state{state=\"running\"} 1.0")
            .contains("strand_engine_state{state=\"halted\"} 0.0")
            .contains("strand_recovery_duration_seconds ")
            .contains("strand_http_problems_total{code=\"HALTED\",status=\"503\"} 0.0")
            .contains("vertx_http_server_requests_total")
            .doesNotContain("m-1");
        final Matcher inf = Pattern.compile("(?m)^strand_append_latency_seconds_bucket\\{le=\"\\+Inf\"} (\\S+)$").matcher(text);
        final Matcher count = Pattern.compile("(?m)^strand_append_latency_seconds_count (\\S+)$").matcher(text);
        assertThat(inf.find() && count.find()).as(text).isTrue();
        assertThat(Double.parseDouble(count.group(1))).as("commands appended so far").isGreaterThanOrEqualTo(2);
        assertThat(Double.parseDouble(inf.group(1))).as("the +Inf bucket holds every append").isEqualTo(Double.parseDouble(count.group(1)));
    }

    @Test
    void shouldPassPromtoolCheckMetrics() throws Exception
    {
        final String promtool = onPath("promtool");
        Assumptions.assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus)");
        server.open("m-2");
        server.get("/events");
        final String text = server.get("/metrics").bodyAsString();
        final Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    @Test
    void shouldTakeAndListSnapshots()
    {
        server.open("snap-1");
        final JsonObject taken = TestServer.expectOk(await(server.client().post("/admin/snapshots").send()));
        assertThat(taken.getLong("position")).isGreaterThanOrEqualTo(1);
        assertThat(taken.getLong("sizeBytes")).isPositive();
        final JsonObject list = TestServer.expectOk(server.get("/admin/snapshots"));
        assertThat(list.getJsonArray("snapshots")).isNotEmpty();
        assertThat(list.getJsonArray("snapshots").getJsonObject(0).getLong("position")).isEqualTo(taken.getLong("position"));
    }

    @Test
    void shouldDescribeANodeAloneAsTheLeaderOfAClusterOfOneAndHashItsStateAtAPosition()
    {
        server.open("acc-state-hash");
        final long position = server.deposit("acc-state-hash", 10);
        final JsonObject cluster = TestServer.expectOk(server.get("/admin/cluster"));
        assertThat(cluster.getMap()).containsOnlyKeys("memberId", "role", "leaderMemberId", "clusterSize", "journalPosition");
        assertThat(cluster.getString("role")).isEqualTo("leader");
        assertThat(cluster.getInteger("leaderMemberId")).isZero();
        assertThat(cluster.getInteger("clusterSize")).isEqualTo(1);
        assertThat(cluster.getLong("journalPosition")).isEqualTo(position);

        final JsonObject hash = TestServer.expectOk(server.get("/admin/state-hash"));
        assertThat(hash.getLong("position")).isEqualTo(position);
        assertThat(hash.getString("stateHash")).matches("[0-9a-f]{16}");
        assertThat(TestServer.expectOk(server.get("/admin/state-hash")).getString("stateHash"))
            .as("nothing changed, nothing differs").isEqualTo(hash.getString("stateHash"));
        server.deposit("acc-state-hash", 1);
        assertThat(TestServer.expectOk(server.get("/admin/state-hash")).getString("stateHash")).isNotEqualTo(hash.getString("stateHash"));
    }

    @Test
    void shouldServeTheJournalHeadThatVerifyChecksBesideTheRunningServer()
    {
        server.open("acc-head");
        final long position = server.deposit("acc-head", 3);
        final JsonObject head = TestServer.expectOk(server.get("/admin/journal/head"));
        assertThat(head.getMap()).containsOnlyKeys("position", "hash", "firstPosition");
        assertThat(head.getLong("position")).isGreaterThanOrEqualTo(position);
        assertThat(head.getString("hash")).matches("[0-9a-f]{64}").isNotEqualTo("0".repeat(64));
        assertThat(head.getLong("firstPosition")).isEqualTo(1);

        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        final String expected = head.getLong("position") + ":" + head.getString("hash");
        assertThat(dev.strand.gateway.cli.StrandCommand.execute(new String[] {"verify", dataDir.toString(), "--expect-head",
            expected}, Map.of(), print, print)).as("%s", out).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("expected head    " + expected + " MATCHES");

        server.deposit("acc-head", 4);
        final JsonObject next = TestServer.expectOk(server.get("/admin/journal/head"));
        assertThat(next.getLong("position")).isGreaterThan(head.getLong("position"));
        assertThat(next.getString("hash")).isNotEqualTo(head.getString("hash"));
        out.reset();
        assertThat(dev.strand.gateway.cli.StrandCommand.execute(new String[] {"verify", dataDir.toString(), "--expect-head",
            head.getLong("position") + ":" + next.getString("hash")}, Map.of(), print, print)).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("DOES NOT MATCH");
    }

    @Test
    void shouldServeAnOpenApiDocumentWhoseRoutesExistAndWhoseExamplesAreAccepted() throws IOException
    {
        final HttpResponse<Buffer> doc = server.get("/openapi.yaml");
        assertThat(doc.statusCode()).isEqualTo(200);
        final String yaml = doc.bodyAsString();
        assertThat(yaml).startsWith("openapi: 3.1.0");

        final Map<String, List<String>> operations = operations(yaml);
        assertThat(operations.keySet()).contains("/commands", "/commands/batch", "/aggregates/{aggregateId}",
            "/aggregates/{aggregateId}/events", "/events", "/subscribe", "/health/live", "/health/ready", "/metrics",
            "/openapi.yaml", "/admin/snapshots", "/admin/cluster", "/admin/state-hash", "/admin/journal/head",
            "/admin/backups", "/projections", "/projections/{name}/{key}", "/admin/projections/{name}/rebuild");
        final Map<String, List<JsonObject>> examples = requestExamples(yaml);
        assertThat(examples.get("/commands")).hasSizeGreaterThanOrEqualTo(5);
        for (final Map.Entry<String, List<JsonObject>> entry : examples.entrySet())
        {
            for (final JsonObject example : entry.getValue())
            {
                final HttpResponse<Buffer> r = server.post(entry.getKey(), example);
                assertThat(r.statusCode()).as("%s %s: %s", entry.getKey(), example, r.bodyAsString()).isEqualTo(200);
            }
        }
        server.open("acc-openapi");
        TestServer.waitUntil("the projection's EUR row", 20,
            () -> server.get("/projections/balances-by-currency/EUR").statusCode() == 200);
        for (final Map.Entry<String, List<String>> entry : operations.entrySet())
        {
            final String path = entry.getKey().replace("{aggregateId}", "acc-1")
                .replace("{name}", "balances-by-currency").replace("{key}", "EUR");
            for (final String method : entry.getValue())
            {
                final HttpResponse<Buffer> r = await(server.client().request(HttpMethod.valueOf(method.toUpperCase()), path)
                    .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{}")));
                assertThat(r.statusCode()).as("%s %s", method, path).isNotIn(404, 405, 500);
            }
        }
    }

    /** Paths and their methods, read from the document's indentation (2 spaces for a path, 4 for a method). */
    static Map<String, List<String>> operations(final String yaml)
    {
        final Map<String, List<String>> ops = new LinkedHashMap<>();
        final Pattern path = Pattern.compile("^  (/\\S*):\\s*$");
        final Pattern method = Pattern.compile("^    (get|post|put|delete|patch):\\s*$");
        String current = null;
        boolean inPaths = false;
        for (final String line : yaml.split("\n"))
        {
            if (!line.startsWith(" ") && !line.isBlank())
            {
                inPaths = line.startsWith("paths:");
                current = null;
                continue;
            }
            if (!inPaths)
            {
                continue;
            }
            final Matcher p = path.matcher(line);
            if (p.matches())
            {
                current = p.group(1);
                ops.put(current, new ArrayList<>());
                continue;
            }
            final Matcher m = method.matcher(line);
            if (current != null && m.matches())
            {
                ops.get(current).add(m.group(1));
            }
        }
        return ops;
    }

    /** The one-line JSON {@code value:} examples of each path's request body, in document order. */
    static Map<String, List<JsonObject>> requestExamples(final String yaml)
    {
        final Map<String, List<JsonObject>> examples = new LinkedHashMap<>();
        final Pattern path = Pattern.compile("^  (/\\S*):\\s*$");
        final Pattern value = Pattern.compile("^\\s+value: (\\{.*\\})\\s*$");
        String current = null;
        boolean inRequestBody = false;
        for (final String line : yaml.split("\n"))
        {
            final Matcher p = path.matcher(line);
            if (p.matches())
            {
                current = p.group(1);
                inRequestBody = false;
                continue;
            }
            if (line.trim().startsWith("requestBody:"))
            {
                inRequestBody = true;
                continue;
            }
            if (line.trim().startsWith("responses:"))
            {
                inRequestBody = false;
                continue;
            }
            final Matcher v = value.matcher(line);
            if (current != null && inRequestBody && v.matches())
            {
                examples.computeIfAbsent(current, k -> new ArrayList<>()).add(new JsonObject(v.group(1)));
            }
        }
        return examples;
    }

    static String onPath(final String tool)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return null;
        }
        for (final String dir : path.split(File.pathSeparator))
        {
            final Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate))
            {
                return candidate.toString();
            }
        }
        return null;
    }
}
