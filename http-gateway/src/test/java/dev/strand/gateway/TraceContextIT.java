package dev.strand.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static dev.strand.gateway.TestServer.envelope;
import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * W3C trace context over a real server: the {@code traceparent} header on {@code POST /commands} and
 * {@code /commands/batch} (and a batch item's own field) is checked, journaled and returned on the events of the
 * answer, of {@code GET /events}, of an aggregate's history and of WebSocket frames; a bad one is 400 INVALID_FIELD
 * and journals nothing.
 */
@Timeout(120)
class TraceContextIT
{
    private static final String TP_1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TP_2 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    private static final String TP_3 = "00-11111111111111111111111111111111-2222222222222222-01";

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

    private static String id()
    {
        return "t-" + UUID.randomUUID();
    }

    private static HttpResponse<Buffer> post(final String uri, final JsonObject body, final String... traceparents)
    {
        final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (final String tp : traceparents)
        {
            headers.add("traceparent", tp);
        }
        return server.post(uri, body, headers);
    }

    private static JsonObject open(final String account)
    {
        return envelope("OpenAccount", account, new JsonObject().put("owner", "Ada").put("currency", "EUR"));
    }

    private static JsonObject deposit(final String account, final long amount)
    {
        return envelope("Deposit", account, new JsonObject().put("amount", amount));
    }

    @Test
    void shouldReturnTheTraceparentOnEveryEventWhereverItIsRead()
    {
        final String account = id();
        final JsonObject opened = expectOk(post("/commands", open(account), TP_1));
        final JsonObject event = opened.getJsonArray("events").getJsonObject(0);
        assertThat(event.getString("traceparent")).isEqualTo(TP_1);
        final JsonObject deposited = expectOk(post("/commands", deposit(account, 5), "cc-" + TP_2.substring(3) +
            "-what-the-future-will-be-like"));
        assertThat(deposited.getJsonArray("events").getJsonObject(0).getString("traceparent"))
            .as("a higher version is kept as version 00").isEqualTo(TP_2);
        final JsonObject untraced = expectOk(post("/commands", deposit(account, 1)));
        assertThat(untraced.getJsonArray("events").getJsonObject(0).containsKey("traceparent"))
            .as("absent when none was given").isFalse();
        final long first = opened.getLong("position");

        final JsonArray page = expectOk(server.get("/events?fromPosition=" + first + "&aggregateId=" + account))
            .getJsonArray("events");
        assertThat(traces(page)).containsExactly(TP_1, TP_2, null);
        final JsonArray history = expectOk(server.get("/aggregates/" + account + "/events?fromVersion=1"))
            .getJsonArray("events");
        assertThat(traces(history)).containsExactly(TP_1, TP_2, null);

        try (WsClient ws = WsClient.connect(server.clientVertx(), server.port(),
            "/subscribe?fromPosition=" + first + "&aggregateId=" + account))
        {
            TestServer.waitUntil("three frames", 20, () -> ws.events.size() >= 3);
            assertThat(ws.events).extracting(e -> e.getString("traceparent")).containsExactly(TP_1, TP_2, null);
            expectOk(post("/commands", deposit(account, 2), TP_3));
            TestServer.waitUntil("the live frame", 20, () -> ws.events.size() >= 4);
            assertThat(ws.events.get(3).getString("traceparent")).as("a live frame").isEqualTo(TP_3);
        }

        final HttpResponse<Buffer> replay = post("/commands", open(account).put("commandId",
            opened.getString("commandId")), TP_3);
        assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getString("traceparent"))
            .as("a replay answers with the original's trace").isEqualTo(TP_1);
    }

    @Test
    void shouldRefuseABadTraceparentWithAProblemAndJournalNothing()
    {
        final String account = id();
        for (final String bad : List.of("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "ff-" + TP_1.substring(3),
            TP_1 + "-extra", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "nonsense", ""))
        {
            final long before = server.gateway().engine().journalPosition();
            final HttpResponse<Buffer> response = post("/commands", open(account), bad);
            assertThat(response.statusCode()).as("'" + bad + "'").isEqualTo(400);
            assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
            final JsonObject problem = response.bodyAsJsonObject();
            assertThat(problem.getString("code")).isEqualTo("INVALID_FIELD");
            assertThat(problem.getString("field")).isEqualTo("traceparent");
            assertThat(problem.getString("detail")).contains("is not a W3C traceparent");
            assertThat(problem.encode()).doesNotContain("Exception");
            assertThat(server.gateway().engine().journalPosition()).isEqualTo(before);
        }
        final HttpResponse<Buffer> two = post("/commands", open(account), TP_1, TP_2);
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(two.bodyAsJsonObject().getString("field")).isEqualTo("traceparent");
        assertThat(two.bodyAsJsonObject().getString("detail")).contains("2 traceparent headers");

        final HttpResponse<Buffer> inBody = post("/commands", open(account).put("traceparent", TP_1));
        assertThat(inBody.statusCode()).isEqualTo(400);
        assertThat(inBody.bodyAsJsonObject().getString("code")).isEqualTo("UNKNOWN_FIELD");
        assertThat(inBody.bodyAsJsonObject().getString("detail")).contains("traceparent header");
        assertThat(server.get("/aggregates/" + account).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldTraceBatchItemsByTheirOwnFieldOrTheRequestsHeader()
    {
        final String a = id();
        final String b = id();
        final JsonObject atomic = new JsonObject().put("atomic", true).put("commands", new JsonArray()
            .add(open(a).put("traceparent", TP_2))
            .add(open(b))
            .add(deposit(a, 7)));
        final JsonArray results = expectOk(post("/commands/batch", atomic, TP_1)).getJsonArray("results");
        assertThat(results.getJsonObject(0).getJsonArray("events").getJsonObject(0).getString("traceparent"))
            .isEqualTo(TP_2);
        assertThat(results.getJsonObject(1).getJsonArray("events").getJsonObject(0).getString("traceparent"))
            .isEqualTo(TP_1);
        assertThat(results.getJsonObject(2).getJsonArray("events").getJsonObject(0).getString("traceparent"))
            .isEqualTo(TP_1);
        final JsonArray history = expectOk(server.get("/aggregates/" + a + "/events?fromVersion=1"))
            .getJsonArray("events");
        assertThat(traces(history)).containsExactly(TP_2, TP_1);

        final long before = server.gateway().engine().journalPosition();
        final JsonObject badAtomic = new JsonObject().put("atomic", true).put("commands", new JsonArray()
            .add(deposit(a, 1)).add(deposit(b, 1).put("traceparent", "00-xyz")));
        final HttpResponse<Buffer> refused = post("/commands/batch", badAtomic);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.bodyAsJsonObject().getString("field")).isEqualTo("traceparent");
        assertThat(refused.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
        assertThat(server.gateway().engine().journalPosition()).isEqualTo(before);

        final JsonObject mixed = new JsonObject().put("atomic", false).put("commands", new JsonArray()
            .add(deposit(a, 1).put("traceparent", 7)).add(deposit(b, 1).put("traceparent", TP_3)));
        final HttpResponse<Buffer> malformedField = post("/commands/batch", mixed);
        assertThat(malformedField.statusCode()).isEqualTo(200);
        final JsonArray mixedResults = malformedField.bodyAsJsonObject().getJsonArray("results");
        assertThat(mixedResults.getJsonObject(0).getString("code")).isEqualTo("MALFORMED_REQUEST");
        assertThat(mixedResults.getJsonObject(1).getJsonArray("events").getJsonObject(0).getString("traceparent"))
            .isEqualTo(TP_3);

        final HttpResponse<Buffer> badHeader = post("/commands/batch", new JsonObject().put("commands",
            new JsonArray().add(deposit(a, 1))), "00-bad");
        assertThat(badHeader.statusCode()).isEqualTo(200);
        assertThat(badHeader.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getString("code"))
            .as("the header is each item's: a non-atomic item refused").isEqualTo("INVALID_FIELD");
    }

    private static List<String> traces(final JsonArray events)
    {
        return events.stream().map(e -> ((JsonObject)e).getString("traceparent")).toList();
    }
}
