package dev.strand.gateway;

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
import java.util.UUID;

import static dev.strand.gateway.TestServer.envelope;
import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /commands and /commands/batch against a real server: every ledger command and every status-table row. */
@Timeout(120)
class CommandsIT
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

    private static String id()
    {
        return "acc-" + UUID.randomUUID();
    }

    private static void assertProblem(final HttpResponse<Buffer> response, final int status, final String code)
    {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        final JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("code")).isEqualTo(code);
        assertThat(body.getInteger("status")).isEqualTo(status);
        assertThat(body.getString("type")).isNotBlank();
        assertThat(body.getString("title")).isNotBlank();
        assertThat(body.getString("detail")).isNotBlank();
        assertThat(response.bodyAsString()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static long journalPosition()
    {
        return server.gateway().engine().journalPosition();
    }

    @Test
    void shouldOpenAccountAndAnswerWithTheEvent()
    {
        final String id = id();
        final JsonObject body = expectOk(server.post("/commands", envelope("OpenAccount", id,
            new JsonObject().put("owner", "Ada").put("currency", "EUR").put("overdraftLimit", 50)).put("correlationId", "req-1")));
        assertThat(body.getString("status")).isEqualTo("accepted");
        final JsonArray events = body.getJsonArray("events");
        assertThat(events).hasSize(1);
        final JsonObject event = events.getJsonObject(0);
        assertThat(body.getLong("position")).isEqualTo(event.getLong("position"));
        assertThat(event.getString("aggregateId")).isEqualTo(id);
        assertThat(event.getString("aggregateType")).isEqualTo("account");
        assertThat(event.getLong("version")).isEqualTo(1);
        assertThat(event.getString("type")).isEqualTo("AccountOpened");
        assertThat(event.getInteger("schemaVersion")).isEqualTo(1);
        assertThat(event.getString("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(event.getString("commandId")).isEqualTo(body.getString("commandId"));
        assertThat(event.getString("causationId")).isEqualTo(body.getString("commandId"));
        assertThat(event.getString("correlationId")).isEqualTo("req-1");
        assertThat(event.getJsonObject("data").getString("owner")).isEqualTo("Ada");
        assertThat(event.getJsonObject("data").getLong("balance")).isZero();
    }

    @Test
    void shouldDepositWithdrawTransferAndClose()
    {
        final String a = id();
        final String b = id();
        server.open(a);
        server.open(b);

        final JsonObject deposit = expectOk(server.command("Deposit", a, new JsonObject().put("amount", 600)));
        assertThat(deposit.getJsonArray("events").getJsonObject(0).getString("type")).isEqualTo("Deposited");
        assertThat(deposit.getJsonArray("events").getJsonObject(0).getJsonObject("data"))
            .isEqualTo(new JsonObject().put("amount", 600).put("balance", 600));

        final JsonObject withdraw = expectOk(server.command("Withdraw", a, new JsonObject().put("amount", 100)));
        assertThat(withdraw.getJsonArray("events").getJsonObject(0).getJsonObject("data"))
            .isEqualTo(new JsonObject().put("amount", 100).put("balance", 500));

        final JsonObject transfer = expectOk(server.command("Transfer", a, new JsonObject().put("to", b).put("amount", 500)));
        final JsonArray events = transfer.getJsonArray("events");
        assertThat(events).hasSize(2);
        assertThat(events.getJsonObject(0).getString("type")).isEqualTo("TransferSent");
        assertThat(events.getJsonObject(0).getJsonObject("data").getString("to")).isEqualTo(b);
        assertThat(events.getJsonObject(1).getString("type")).isEqualTo("TransferReceived");
        assertThat(events.getJsonObject(1).getString("aggregateId")).isEqualTo(b);
        assertThat(events.getJsonObject(1).getJsonObject("data").getString("from")).isEqualTo(a);
        assertThat(events.getJsonObject(1).getLong("position")).isEqualTo(events.getJsonObject(0).getLong("position") + 1);
        assertThat(transfer.getLong("position")).isEqualTo(events.getJsonObject(1).getLong("position"));

        final JsonObject close = expectOk(server.command("CloseAccount", a, new JsonObject()));
        assertThat(close.getJsonArray("events").getJsonObject(0).getString("type")).isEqualTo("AccountClosed");

        assertProblem(server.command("Deposit", a, new JsonObject().put("amount", 1)), 422, "ACCOUNT_CLOSED");
        assertProblem(server.command("CloseAccount", b, new JsonObject()), 422, "BALANCE_NOT_ZERO");
    }

    @Test
    void shouldRejectBusinessRulesWith422AndJournalNothing()
    {
        final String a = id();
        final String b = id();
        final String usd = id();
        server.open(a);
        server.open(b);
        expectOk(server.command("OpenAccount", usd, new JsonObject().put("currency", "USD")));
        server.deposit(a, 10);
        final long before = journalPosition();

        assertProblem(server.command("Withdraw", a, new JsonObject().put("amount", 11)), 422, "INSUFFICIENT_FUNDS");
        assertProblem(server.command("Transfer", a, new JsonObject().put("to", b).put("amount", 11)), 422, "INSUFFICIENT_FUNDS");
        assertProblem(server.command("Transfer", a, new JsonObject().put("to", a).put("amount", 1)), 422, "SAME_ACCOUNT");
        assertProblem(server.command("Transfer", a, new JsonObject().put("to", usd).put("amount", 1)), 422, "CURRENCY_MISMATCH");
        assertThat(journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldAnswer404And409()
    {
        final String a = id();
        assertProblem(server.command("Deposit", a, new JsonObject().put("amount", 1)), 404, "AGGREGATE_NOT_FOUND");
        server.open(a);
        assertProblem(server.command("Transfer", a, new JsonObject().put("to", id()).put("amount", 1)), 404, "AGGREGATE_NOT_FOUND");
        assertProblem(server.command("OpenAccount", a, new JsonObject()), 409, "AGGREGATE_EXISTS");

        final HttpResponse<Buffer> wrong = server.post("/commands",
            envelope("Deposit", a, new JsonObject().put("amount", 5)).put("expectedVersion", 7));
        assertProblem(wrong, 409, "WRONG_EXPECTED_VERSION");
        assertThat(wrong.bodyAsJsonObject().getLong("currentVersion")).isEqualTo(1);

        expectOk(server.post("/commands", envelope("Deposit", a, new JsonObject().put("amount", 5)).put("expectedVersion", 1)));
        expectOk(server.post("/commands", envelope("OpenAccount", id(), new JsonObject()).put("expectedVersion", -1)));
    }

    @Test
    void shouldAnswer400ForMalformedEnvelopes()
    {
        final long before = journalPosition();
        assertProblem(server.post("/commands", "application/json", Buffer.buffer("{not json")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", "application/json", Buffer.buffer("[1,2]")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", "application/json", Buffer.buffer("")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", new JsonObject().put("aggregateId", "a")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", new JsonObject().put("type", "Deposit")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", new JsonObject().put("type", 5).put("aggregateId", "a")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", envelope("Deposit", "a", null).put("data", "x")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", envelope("Deposit", "a", new JsonObject()).put("expectedVersion", "3")),
            400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", envelope("Deposit", "a", new JsonObject()).put("expectedVersion", 1.5)),
            400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands", envelope("Deposit", "a", new JsonObject()).put("commandId", 12)),
            400, "MALFORMED_REQUEST");
        assertThat(journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldAnswer400ForUnknownTypesAndInvalidFields()
    {
        final String a = id();
        server.open(a);
        final long before = journalPosition();
        assertProblem(server.command("Teleport", a, new JsonObject()), 400, "UNKNOWN_COMMAND_TYPE");

        final HttpResponse<Buffer> badId = server.command("Deposit", "bad id/!", new JsonObject().put("amount", 1));
        assertProblem(badId, 400, "INVALID_FIELD");
        assertThat(badId.bodyAsJsonObject().getString("field")).isEqualTo("aggregateId");
        assertProblem(server.command("Deposit", "x".repeat(129), new JsonObject().put("amount", 1)), 400, "INVALID_FIELD");
        assertProblem(server.post("/commands", envelope("Deposit", a, new JsonObject().put("amount", 1)).put("commandId", "")),
            400, "INVALID_FIELD");
        assertProblem(server.post("/commands", envelope("Deposit", a, new JsonObject().put("amount", 1)).put("expectedVersion", -2)),
            400, "INVALID_FIELD");

        for (final Object amount : new Object[] {0, -5, 1.5, "10", "99999999999999999999", true})
        {
            final Object value = "99999999999999999999".equals(amount) ? new java.math.BigInteger("99999999999999999999") : amount;
            final HttpResponse<Buffer> r = server.command("Deposit", a, new JsonObject().put("amount", value));
            assertProblem(r, 400, "INVALID_FIELD");
            assertThat(r.bodyAsJsonObject().getString("field")).as("amount %s", amount).isEqualTo("data.amount");
        }
        assertProblem(server.command("Deposit", a, new JsonObject()), 400, "INVALID_FIELD");
        assertProblem(server.command("Transfer", a, new JsonObject().put("to", 5).put("amount", 1)), 400, "INVALID_FIELD");
        assertThat(journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldAnswer415ForOtherContentTypes()
    {
        final Buffer body = envelope("Deposit", "a", new JsonObject().put("amount", 1)).toBuffer();
        assertProblem(server.post("/commands", "text/plain", body), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(server.post("/commands", "application/x-www-form-urlencoded", body), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(server.post("/commands/batch", "text/plain", body), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertThat(server.post("/commands", "application/json; charset=utf-8", body).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldReplayAnAcceptedCommandWithTheSameResult()
    {
        final String a = id();
        server.open(a);
        final JsonObject deposit = envelope("Deposit", a, new JsonObject().put("amount", 7));
        final HttpResponse<Buffer> first = server.post("/commands", deposit);
        final HttpResponse<Buffer> again = server.post("/commands", deposit);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.getHeader("Idempotent-Replayed")).isNull();
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
        final long position = first.bodyAsJsonObject().getLong("position");
        assertThat(expectOk(server.get("/aggregates/" + a + "?minPosition=" + position)).getLong("version")).isEqualTo(2);
    }

    @Test
    void shouldEvaluateARejectedCommandAgain()
    {
        final String a = id();
        server.open(a);
        final JsonObject withdraw = envelope("Withdraw", a, new JsonObject().put("amount", 5));
        assertProblem(server.post("/commands", withdraw), 422, "INSUFFICIENT_FUNDS");
        server.deposit(a, 5);
        final HttpResponse<Buffer> retried = server.post("/commands", withdraw);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.getHeader("Idempotent-Replayed")).isNull();
    }

    @Test
    void shouldRunANonAtomicBatchCommandByCommand()
    {
        final String a = id();
        final JsonObject batch = new JsonObject().put("atomic", false).put("commands", new JsonArray()
            .add(envelope("OpenAccount", a, new JsonObject()))
            .add(envelope("Deposit", a, new JsonObject().put("amount", 10)))
            .add(envelope("Withdraw", a, new JsonObject().put("amount", 50)))
            .add(envelope("Deposit", a, new JsonObject().put("amount", -1)))
            .add(envelope("Deposit", a, new JsonObject().put("amount", 5))));
        final JsonArray results = expectOk(server.post("/commands/batch", batch)).getJsonArray("results");
        assertThat(results).hasSize(5);
        assertThat(results.getJsonObject(0).getString("status")).isEqualTo("accepted");
        assertThat(results.getJsonObject(1).getString("status")).isEqualTo("accepted");
        assertThat(results.getJsonObject(2).getString("status")).isEqualTo("rejected");
        assertThat(results.getJsonObject(2).getString("code")).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(results.getJsonObject(2).getInteger("httpStatus")).isEqualTo(422);
        assertThat(results.getJsonObject(3).getString("code")).isEqualTo("INVALID_FIELD");
        assertThat(results.getJsonObject(3).getString("field")).isEqualTo("data.amount");
        assertThat(results.getJsonObject(4).getJsonArray("events").getJsonObject(0).getJsonObject("data").getLong("balance"))
            .isEqualTo(15);
        assertThat(results.getJsonObject(4).getLong("position")).isGreaterThan(results.getJsonObject(1).getLong("position"));
    }

    @Test
    void shouldRollBackAnAtomicBatchOnTheFirstRejection()
    {
        final String a = id();
        final long before = journalPosition();
        final JsonObject batch = new JsonObject().put("atomic", true).put("commands", new JsonArray()
            .add(envelope("OpenAccount", a, new JsonObject()))
            .add(envelope("Deposit", a, new JsonObject().put("amount", 10)))
            .add(envelope("Withdraw", a, new JsonObject().put("amount", 50))));
        final HttpResponse<Buffer> response = server.post("/commands/batch", batch);
        assertProblem(response, 422, "INSUFFICIENT_FUNDS");
        assertThat(response.bodyAsJsonObject().getInteger("index")).isEqualTo(2);
        assertThat(journalPosition()).isEqualTo(before);
        assertProblem(server.get("/aggregates/" + a), 404, "AGGREGATE_NOT_FOUND");

        final HttpResponse<Buffer> invalid = server.post("/commands/batch", new JsonObject().put("atomic", true).put("commands",
            new JsonArray().add(envelope("OpenAccount", a, new JsonObject())).add(envelope("Deposit", a, new JsonObject().put("amount", 0)))));
        assertProblem(invalid, 400, "INVALID_FIELD");
        assertThat(invalid.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
        assertThat(journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldJournalAnAtomicBatchInOneRunOfPositions()
    {
        final String a = id();
        final JsonObject batch = new JsonObject().put("atomic", true).put("commands", new JsonArray()
            .add(envelope("OpenAccount", a, new JsonObject()))
            .add(envelope("Deposit", a, new JsonObject().put("amount", 10)))
            .add(envelope("Withdraw", a, new JsonObject().put("amount", 4))));
        final JsonArray results = expectOk(server.post("/commands/batch", batch)).getJsonArray("results");
        assertThat(results).hasSize(3);
        final long p0 = results.getJsonObject(0).getLong("position");
        assertThat(results.getJsonObject(1).getLong("position")).isEqualTo(p0 + 1);
        assertThat(results.getJsonObject(2).getLong("position")).isEqualTo(p0 + 2);
        assertThat(results.getJsonObject(2).getJsonArray("events").getJsonObject(0).getJsonObject("data").getLong("balance")).isEqualTo(6);
    }

    @Test
    void shouldRejectMalformedBatches()
    {
        assertProblem(server.post("/commands/batch", new JsonObject()), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands/batch", new JsonObject().put("commands", "x")), 400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands/batch", new JsonObject().put("atomic", "yes").put("commands", new JsonArray())),
            400, "MALFORMED_REQUEST");
        assertProblem(server.post("/commands/batch", new JsonObject().put("commands", new JsonArray())), 400, "INVALID_FIELD");
        assertProblem(server.post("/commands/batch", "application/json", Buffer.buffer("[]")), 400, "MALFORMED_REQUEST");
    }

    @Test
    void shouldAnswerUnknownRoutesAndMethodsAsProblems()
    {
        assertProblem(server.get("/nope"), 404, "NOT_FOUND");
        assertProblem(server.get("/commands"), 405, "METHOD_NOT_ALLOWED");
    }
}
