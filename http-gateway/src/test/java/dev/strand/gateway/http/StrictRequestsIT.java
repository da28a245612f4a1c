package dev.strand.gateway.http;

import dev.strand.gateway.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
import java.util.Map;
import java.util.UUID;

import static dev.strand.gateway.TestServer.await;
import static dev.strand.gateway.TestServer.envelope;
import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict requests against a real server: unknown envelope, data and batch fields are UNKNOWN_FIELD naming the field;
 * UNKNOWN_COMMAND_TYPE lists the registered types; 413 states the limit; a JSON syntax error says where; 405 carries
 * {@code Allow}; every JSON body ends with a newline. Nothing refused is journaled.
 */
@Timeout(120)
class StrictRequestsIT
{
    private static final int BODY_LIMIT = 65_536;

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir, Map.of("body-limit", String.valueOf(BODY_LIMIT)));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static String id()
    {
        return "acc-" + UUID.randomUUID();
    }

    private static long journalPosition()
    {
        return server.gateway().engine().journalPosition();
    }

    private static JsonObject problem(final HttpResponse<Buffer> response, final int status, final String code)
    {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        final JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("code")).as(response.bodyAsString()).isEqualTo(code);
        assertThat(body.getInteger("status")).isEqualTo(status);
        assertThat(body.getString("detail")).isNotBlank();
        return body;
    }

    private static HttpResponse<Buffer> raw(final String uri, final String body)
    {
        return server.post(uri, "application/json", Buffer.buffer(body));
    }

    @Test
    void shouldRefuseAMisspeltEnvelopeFieldInsteadOfSkippingTheVersionCheck()
    {
        final String a = id();
        server.open(a);
        final long before = journalPosition();
        final JsonObject body = problem(raw("/commands",
            "{\"type\":\"Deposit\",\"aggregateId\":\"" + a + "\",\"expectedVerison\":7,\"data\":{\"amount\":1}}"), 400, "UNKNOWN_FIELD");
        assertThat(body.getString("field")).isEqualTo("expectedVerison");
        assertThat(body.getString("detail")).contains("expectedVerison").contains("expectedVersion");
        assertThat(journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldRefuseADataFieldTheCommandTypeDoesNotTake()
    {
        final String a = id();
        server.open(a);
        final long before = journalPosition();
        final JsonObject deposit = problem(server.command("Deposit", a, new JsonObject().put("amount", 1).put("currency", "USD")),
            400, "UNKNOWN_FIELD");
        assertThat(deposit.getString("field")).isEqualTo("data.currency");
        final JsonObject close = problem(server.command("CloseAccount", a, new JsonObject().put("reason", "done")), 400, "UNKNOWN_FIELD");
        assertThat(close.getString("field")).isEqualTo("data.reason");
        final JsonObject open = problem(server.command("OpenAccount", id(), new JsonObject().put("owner", "Ada").put("overdraft", 5)),
            400, "UNKNOWN_FIELD");
        assertThat(open.getString("field")).isEqualTo("data.overdraft");
        assertThat(journalPosition()).isEqualTo(before);

        // every field a type takes is still accepted, and null counts as given
        expectOk(server.command("OpenAccount", id(), new JsonObject().put("owner", null).put("currency", "EUR").put("overdraftLimit", 5)));
    }

    @Test
    void shouldNameTheFirstUnknownFieldInDocumentOrder()
    {
        final JsonObject body = problem(raw("/commands",
            "{\"type\":\"Deposit\",\"aggregateId\":\"x\",\"data\":{\"zeta\":1,\"amount\":1,\"alpha\":2}}"), 400, "UNKNOWN_FIELD");
        assertThat(body.getString("field")).isEqualTo("data.zeta");
    }

    @Test
    void shouldCutAnAbsurdlyLongUnknownFieldName()
    {
        final String longName = "k".repeat(10_000);
        final JsonObject body = problem(raw("/commands", "{\"type\":\"Deposit\",\"aggregateId\":\"x\",\"" + longName + "\":1}"),
            400, "UNKNOWN_FIELD");
        assertThat(body.getString("field")).hasSizeLessThan(200).startsWith("kkkk");
        assertThat(body.encode()).hasSizeLessThan(1_000);
    }

    @Test
    void shouldSayWhichItemOfAnAtomicBatchHasAnUnknownField()
    {
        final String a = id();
        final long before = journalPosition();
        final JsonObject batch = new JsonObject().put("atomic", true).put("commands", new JsonArray()
            .add(envelope("OpenAccount", a, new JsonObject()))
            .add(envelope("Deposit", a, new JsonObject().put("amount", 5)).put("expectedVerison", 1)));
        final JsonObject body = problem(server.post("/commands/batch", batch), 400, "UNKNOWN_FIELD");
        assertThat(body.getString("field")).isEqualTo("expectedVerison");
        assertThat(body.getInteger("index")).isEqualTo(1);
        final JsonObject data = problem(server.post("/commands/batch", new JsonObject().put("atomic", true).put("commands", new JsonArray()
            .add(envelope("OpenAccount", a, new JsonObject().put("currency", "EUR").put("curency", "USD"))))), 400, "UNKNOWN_FIELD");
        assertThat(data.getString("field")).isEqualTo("data.curency");
        assertThat(data.getInteger("index")).isEqualTo(0);
        assertThat(journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldRefuseOnlyTheItemWithAnUnknownFieldInANonAtomicBatch()
    {
        final String a = id();
        server.open(a);
        final JsonObject batch = new JsonObject().put("atomic", false).put("commands", new JsonArray()
            .add(envelope("Deposit", a, new JsonObject().put("amount", 5)))
            .add(envelope("Deposit", a, new JsonObject().put("amount", 5).put("note", "x")))
            .add(envelope("Deposit", a, new JsonObject().put("amount", 5))));
        final JsonArray results = expectOk(server.post("/commands/batch", batch)).getJsonArray("results");
        assertThat(results.getJsonObject(0).getString("status")).isEqualTo("accepted");
        final JsonObject refused = results.getJsonObject(1);
        assertThat(refused.getString("status")).isEqualTo("rejected");
        assertThat(refused.getInteger("httpStatus")).isEqualTo(400);
        assertThat(refused.getString("code")).isEqualTo("UNKNOWN_FIELD");
        assertThat(refused.getString("field")).isEqualTo("data.note");
        assertThat(results.getJsonObject(2).getString("status")).isEqualTo("accepted");
    }

    @Test
    void shouldRefuseAMisspeltBatchField()
    {
        final long before = journalPosition();
        final JsonObject body = problem(server.post("/commands/batch", new JsonObject().put("atomc", true)
            .put("commands", new JsonArray().add(envelope("OpenAccount", id(), new JsonObject())))), 400, "UNKNOWN_FIELD");
        assertThat(body.getString("field")).isEqualTo("atomc");
        assertThat(journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldListTheRegisteredCommandTypesForAnUnknownOne()
    {
        final JsonObject body = problem(server.command("Teleport", id(), new JsonObject()), 400, "UNKNOWN_COMMAND_TYPE");
        assertThat(body.getString("detail")).contains("Teleport")
            .contains("CloseAccount, Deposit, OpenAccount, Transfer, Withdraw");
    }

    @Test
    void shouldStateTheLimitIn413()
    {
        final String big = "{\"type\":\"Deposit\",\"aggregateId\":\"x\",\"data\":{\"amount\":1}}" + " ".repeat(BODY_LIMIT);
        final JsonObject body = problem(raw("/commands", big), 413, "PAYLOAD_TOO_LARGE");
        assertThat(body.getString("detail")).contains(BODY_LIMIT + " bytes").contains("--body-limit");
    }

    @Test
    void shouldGiveLineAndColumnOfAJsonSyntaxError()
    {
        final String broken = "{\n  \"type\": \"Deposit\",\n  \"aggregateId\" \"acc-1\"\n}";
        assertThat(problem(raw("/commands", broken), 400, "MALFORMED_REQUEST").getString("detail"))
            .contains("line 3, column 17");
        final String duplicate = "{\"type\":\"Deposit\",\n\"type\":\"Withdraw\",\"aggregateId\":\"x\"}";
        assertThat(problem(raw("/commands", duplicate), 400, "MALFORMED_REQUEST").getString("detail"))
            .contains("line 2, column").contains("Duplicate field 'type'");
        final String trailing = "{\"type\":\"Deposit\",\"aggregateId\":\"x\"} {}";
        assertThat(problem(raw("/commands", trailing), 400, "MALFORMED_REQUEST").getString("detail"))
            .contains("line 1, column 38").contains("after the JSON value");
        final String truncated = "{\"commands\":[";
        assertThat(problem(raw("/commands/batch", truncated), 400, "MALFORMED_REQUEST").getString("detail"))
            .contains("line 1, column");
    }

    @Test
    void shouldSendAllowWith405()
    {
        final HttpResponse<Buffer> commands = server.get("/commands");
        problem(commands, 405, "METHOD_NOT_ALLOWED");
        assertThat(commands.getHeader("Allow")).isEqualTo("POST");
        final HttpResponse<Buffer> aggregate = await(server.client().request(HttpMethod.DELETE, "/aggregates/acc-1").send());
        problem(aggregate, 405, "METHOD_NOT_ALLOWED");
        assertThat(aggregate.getHeader("Allow")).isEqualTo("GET");
        final HttpResponse<Buffer> snapshots = await(server.client().request(HttpMethod.PUT, "/admin/snapshots").send());
        problem(snapshots, 405, "METHOD_NOT_ALLOWED");
        assertThat(snapshots.getHeader("Allow")).isEqualTo("GET, POST");
        assertThat(snapshots.bodyAsJsonObject().getString("detail")).contains("GET, POST");
    }

    @Test
    void shouldEndEveryJsonBodyWithANewline()
    {
        final String a = id();
        final List<HttpResponse<Buffer>> answers = List.of(
            server.command("OpenAccount", a, new JsonObject()),
            server.command("Deposit", a, new JsonObject().put("amount", 3)),
            server.post("/commands/batch", new JsonObject().put("commands", new JsonArray()
                .add(envelope("Deposit", a, new JsonObject().put("amount", 1))).add(envelope("Withdraw", a, new JsonObject().put("amount", 99))))),
            server.command("Withdraw", a, new JsonObject().put("amount", 99)),
            server.get("/aggregates/" + a),
            server.get("/aggregates/" + a + "?atVersion=1"),
            server.get("/aggregates/" + a + "/events"),
            server.get("/events?fromPosition=1&limit=2"),
            server.get("/health/live"),
            server.get("/health/ready"),
            server.get("/admin/snapshots"),
            server.get("/nope"),
            server.get("/commands"),
            raw("/commands", "{"));
        for (final HttpResponse<Buffer> r : answers)
        {
            final String text = r.bodyAsString();
            assertThat(text).as("body of a %d", r.statusCode()).endsWith("}\n");
            assertThat(r.getHeader("Content-Length")).isEqualTo(Integer.toString(r.body().length()));
            new JsonObject(text);
        }
    }
}
