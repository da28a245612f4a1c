package dev.strand.gateway;

import dev.strand.gateway.testdomain.CratesPerLabel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Projections over HTTP on a real server: the ledger's {@code balances-by-currency} and the test projection
 * {@code crates-per-label}; listing, rows, rebuilds, and every refusal as problem details.
 */
@Timeout(120)
class ProjectionsIT
{
    private static final String BALANCES = "balances-by-currency";

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

    private static JsonObject projection(final String name)
    {
        final JsonObject list = expectOk(server.get("/projections"));
        for (final Object p : list.getJsonArray("projections"))
        {
            if (((JsonObject)p).getString("name").equals(name))
            {
                return (JsonObject)p;
            }
        }
        throw new AssertionError("no projection " + name + " in " + list.encode());
    }

    private static void caughtUp(final String name)
    {
        final long end = expectOk(server.get("/projections")).getLong("journalPosition");
        TestServer.waitUntil(name + " at " + end, 20, () -> projection(name).getLong("position") >= end);
    }

    private static JsonObject problem(final HttpResponse<Buffer> response, final int status, final String code)
    {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        final JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("code")).as(response.bodyAsString()).isEqualTo(code);
        assertThat(body.getString("type")).startsWith("urn:strand:problem:");
        return body;
    }

    private static void open(final String id, final String currency)
    {
        expectOk(server.command("OpenAccount", id, new JsonObject().put("owner", "o").put("currency", currency)));
    }

    @Test
    void shouldListProjectionsAndServeTheLedgersBalancesPerCurrency()
    {
        open("p-eur-1", "EUR");
        open("p-eur-2", "EUR");
        open("p-usd-1", "USD");
        server.deposit("p-eur-1", 300);
        server.deposit("p-eur-2", 200);
        server.deposit("p-usd-1", 50);
        expectOk(server.command("Withdraw", "p-eur-1", new JsonObject().put("amount", 25)));
        expectOk(server.command("Withdraw", "p-usd-1", new JsonObject().put("amount", 50)));
        expectOk(server.command("CloseAccount", "p-usd-1", new JsonObject()));
        caughtUp(BALANCES);

        final JsonObject status = projection(BALANCES);
        assertThat(status.getString("status")).isEqualTo("running");
        assertThat(status.getLong("lag")).isGreaterThanOrEqualTo(0);
        assertThat(status.getLong("errors")).isZero();
        assertThat(status.getString("errorPolicy")).isEqualTo("stop");

        final JsonObject eur = expectOk(server.get("/projections/" + BALANCES + "/EUR"));
        assertThat(eur.getString("projection")).isEqualTo(BALANCES);
        assertThat(eur.getString("key")).isEqualTo("EUR");
        assertThat(eur.getJsonObject("row").getMap()).containsEntry("balance", 475).containsEntry("openAccounts", 2);

        final JsonObject usd = expectOk(server.get("/projections/" + BALANCES + "/USD"));
        assertThat(usd.getJsonObject("row").getMap()).containsEntry("balance", 0).containsEntry("openAccounts", 0);

        final String scrape = TestServer.expectOk200Text(server.get("/metrics"));
        assertThat(scrape).contains("strand_projection_lag_events{projection=\"" + BALANCES + "\"}")
            .contains("strand_projection_errors_total{projection=\"" + BALANCES + "\"}")
            .contains("strand_projection_failed{projection=\"" + BALANCES + "\"} 0.0")
            .contains("strand_projection_position{projection=\"" + BALANCES + "\"}");
    }

    @Test
    void shouldAnswerUnknownProjectionsRowsAndBadKeysWithProblems()
    {
        problem(server.get("/projections/no-such/EUR"), 404, "NOT_FOUND");
        problem(server.get("/projections/" + BALANCES + "/XYZ"), 404, "NOT_FOUND");
        final JsonObject tooLong = problem(server.get("/projections/" + BALANCES + "/" + "k".repeat(300)), 400,
            "INVALID_FIELD");
        assertThat(tooLong.getString("field")).isEqualTo("key");
        problem(server.post("/admin/projections/no-such/rebuild", new JsonObject()), 404, "NOT_FOUND");
        final JsonObject badFlag = problem(server.post("/admin/projections/" + BALANCES + "/rebuild?dryRun=maybe",
            new JsonObject()), 400, "INVALID_FIELD");
        assertThat(badFlag.getString("field")).isEqualTo("dryRun");
    }

    @Test
    void shouldRebuildDryThenForRealWithTheSameRows()
    {
        open("r-gbp-1", "GBP");
        server.deposit("r-gbp-1", 70);
        caughtUp(BALANCES);
        final JsonObject before = expectOk(server.get("/projections/" + BALANCES + "/GBP")).getJsonObject("row");

        final JsonObject dry = expectOk(server.post("/admin/projections/" + BALANCES + "/rebuild?dryRun=true", new JsonObject()));
        assertThat(dry.getLong("rowsCompared")).isGreaterThanOrEqualTo(1);
        assertThat(dry.getLong("rowsDiffering")).isZero();
        assertThat(dry.getBoolean("swapped")).isFalse();
        assertThat(dry.getLong("position")).isGreaterThanOrEqualTo(2);

        final JsonObject real = expectOk(server.post("/admin/projections/" + BALANCES + "/rebuild", new JsonObject()));
        assertThat(real.getBoolean("swapped")).isTrue();
        assertThat(real.getLong("rowsDiffering")).isZero();
        assertThat(expectOk(server.get("/projections/" + BALANCES + "/GBP")).getJsonObject("row")).isEqualTo(before);
    }

    @Test
    void shouldRefuseASecondRebuildWhileOneRuns()
    {
        expectOk(server.post("/commands", TestServer.envelope("Assemble", "crate-p1", new JsonObject().put("label", "heavy"))
            .put("aggregateType", "crate")));
        caughtUp(CratesPerLabel.NAME);
        final CountDownLatch gate = new CountDownLatch(1);
        CratesPerLabel.gate = gate;
        try
        {
            final var first = server.client().post("/admin/projections/" + CratesPerLabel.NAME + "/rebuild?dryRun=true")
                .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{}"));
            TestServer.waitUntil("the rebuild running", 10,
                () -> projection(CratesPerLabel.NAME).getString("status").equals("rebuilding"));
            problem(server.post("/admin/projections/" + CratesPerLabel.NAME + "/rebuild?dryRun=true", new JsonObject()),
                409, "REBUILD_IN_PROGRESS");
            gate.countDown();
            final JsonObject done = expectOk(TestServer.await(first));
            assertThat(done.getLong("rowsDiffering")).isZero();
            assertThat(done.getBoolean("swapped")).isFalse();
        }
        finally
        {
            CratesPerLabel.gate = null;
            gate.countDown();
        }
    }
}
