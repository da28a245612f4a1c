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
import java.util.Map;
import java.util.UUID;

import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/** The read side over HTTP: current state, read-your-writes, temporal queries, event pages and the global log. */
@Timeout(120)
class QueriesIT
{
    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir, Map.of("read-wait-timeout-ms", "300"));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static String id()
    {
        return "q-" + UUID.randomUUID();
    }

    private static void assertProblem(final HttpResponse<Buffer> response, final int status, final String code)
    {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
    }

    @Test
    void shouldReadItsOwnWritesWithMinPosition()
    {
        final String a = id();
        server.open(a);
        for (int i = 1; i <= 20; i++)
        {
            final long position = server.deposit(a, i);
            final JsonObject view = expectOk(server.get("/aggregates/" + a + "?minPosition=" + position));
            assertThat(view.getLong("version")).isEqualTo(i + 1);
            assertThat(view.getJsonObject("state").getLong("balance")).isEqualTo((long)i * (i + 1) / 2);
        }
        final JsonObject view = expectOk(server.get("/aggregates/" + a));
        assertThat(view.fieldNames()).containsExactly("aggregateId", "aggregateType", "version", "state");
        assertThat(view.getString("aggregateType")).isEqualTo("account");
        assertThat(view.getJsonObject("state").fieldNames()).containsExactly("owner", "currency", "balance", "overdraftLimit", "status");
        assertThat(view.getJsonObject("state").getString("status")).isEqualTo("open");
    }

    @Test
    void shouldAnswer504WhenTheReadSideDoesNotReachMinPositionInTime()
    {
        final String a = id();
        server.open(a);
        final HttpResponse<Buffer> r = server.get("/aggregates/" + a + "?minPosition=" + (Long.MAX_VALUE - 1));
        assertProblem(r, 504, "READ_MODEL_TIMEOUT");
        assertThat(r.getHeader("Retry-After")).isEqualTo("1");
    }

    @Test
    void shouldAnswerTemporalQueries()
    {
        final String a = id();
        server.open(a);
        server.deposit(a, 100);
        final long afterSecond = server.deposit(a, 50);
        server.deposit(a, 25);

        final JsonObject v2 = expectOk(server.get("/aggregates/" + a + "?atVersion=2"));
        assertThat(v2.getLong("version")).isEqualTo(2);
        assertThat(v2.getJsonObject("state").getLong("balance")).isEqualTo(100);

        final JsonObject atPosition = expectOk(server.get("/aggregates/" + a + "?atPosition=" + afterSecond));
        assertThat(atPosition.getLong("version")).isEqualTo(3);
        assertThat(atPosition.getJsonObject("state").getLong("balance")).isEqualTo(150);

        final JsonObject latest = expectOk(server.get("/aggregates/" + a + "?atVersion=4"));
        assertThat(latest.getJsonObject("state").getLong("balance")).isEqualTo(175);

        assertProblem(server.get("/aggregates/" + a + "?atVersion=5"), 404, "VERSION_NOT_FOUND");
        assertProblem(server.get("/aggregates/" + id() + "?atVersion=1"), 404, "AGGREGATE_NOT_FOUND");
        assertProblem(server.get("/aggregates/" + a + "?atVersion=1&atPosition=1"), 400, "INVALID_FIELD");
        assertProblem(server.get("/aggregates/" + a + "?atVersion=0"), 400, "INVALID_FIELD");
        assertProblem(server.get("/aggregates/" + a + "?atVersion=x"), 400, "INVALID_FIELD");
    }

    @Test
    void shouldAnswer404ForAnUnknownAggregateAnd400ForABadId()
    {
        assertProblem(server.get("/aggregates/" + id()), 404, "AGGREGATE_NOT_FOUND");
        assertProblem(server.get("/aggregates/bad%20id"), 400, "INVALID_FIELD");
        assertProblem(server.get("/aggregates/" + id() + "/events"), 404, "AGGREGATE_NOT_FOUND");
        assertProblem(server.get("/aggregates/" + id() + "?minPosition=-1"), 400, "INVALID_FIELD");
    }

    @Test
    void shouldPageAnAggregatesEventsInVersionOrder()
    {
        final String a = id();
        server.open(a);
        for (int i = 0; i < 9; i++)
        {
            server.deposit(a, 1);
        }
        final JsonObject first = expectOk(server.get("/aggregates/" + a + "/events?fromVersion=1&limit=4"));
        final JsonArray events = first.getJsonArray("events");
        assertThat(events).hasSize(4);
        assertThat(events.getJsonObject(0).getString("type")).isEqualTo("AccountOpened");
        assertThat(first.getLong("nextVersion")).isEqualTo(5);
        final JsonObject rest = expectOk(server.get("/aggregates/" + a + "/events?fromVersion=5&limit=100"));
        assertThat(rest.getJsonArray("events")).hasSize(6);
        for (int i = 0; i < 6; i++)
        {
            assertThat(rest.getJsonArray("events").getJsonObject(i).getLong("version")).isEqualTo(5 + i);
        }
        final JsonObject empty = expectOk(server.get("/aggregates/" + a + "/events?fromVersion=11"));
        assertThat(empty.getJsonArray("events")).isEmpty();
        assertThat(empty.getLong("nextVersion")).isEqualTo(11);
        assertProblem(server.get("/aggregates/" + a + "/events?limit=0"), 400, "INVALID_FIELD");
        assertProblem(server.get("/aggregates/" + a + "/events?limit=100000"), 400, "INVALID_FIELD");
    }

    @Test
    void shouldReadTheGlobalLogGaplessAndFiltered()
    {
        final String a = id();
        final String b = id();
        server.open(a);
        server.open(b);
        server.deposit(a, 3);
        server.deposit(b, 4);

        long from = 1;
        long expected = 1;
        while (true)
        {
            final JsonObject page = expectOk(server.get("/events?fromPosition=" + from + "&limit=7"));
            final JsonArray events = page.getJsonArray("events");
            for (int i = 0; i < events.size(); i++)
            {
                assertThat(events.getJsonObject(i).getLong("position")).isEqualTo(expected++);
            }
            if (events.isEmpty())
            {
                assertThat(page.getLong("nextPosition")).isEqualTo(from);
                break;
            }
            assertThat(page.getLong("nextPosition")).isEqualTo(expected);
            from = page.getLong("nextPosition");
        }
        assertThat(expected - 1).isEqualTo(server.gateway().engine().journalPosition());

        final JsonArray ofA = expectOk(server.get("/events?aggregateId=" + a)).getJsonArray("events");
        assertThat(ofA).hasSize(2);
        assertThat(ofA.getJsonObject(1).getString("type")).isEqualTo("Deposited");

        final JsonArray depositsOfB = expectOk(server.get("/events?aggregateId=" + b + "&type=Deposited")).getJsonArray("events");
        assertThat(depositsOfB).hasSize(1);
        assertThat(depositsOfB.getJsonObject(0).getJsonObject("data").getLong("amount")).isEqualTo(4);

        assertThat(expectOk(server.get("/events?aggregateType=nothing")).getJsonArray("events")).isEmpty();
        assertProblem(server.get("/events?fromPosition=0"), 400, "INVALID_FIELD");
        assertProblem(server.get("/events?limit=abc"), 400, "INVALID_FIELD");
        assertProblem(server.get("/events?aggregateId=no%20spaces"), 400, "INVALID_FIELD");
    }
}
