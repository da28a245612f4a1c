package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bugs in a user's aggregate module, run by the real server from a jar next to strand.jar
 * ({@code java -cp strand.jar:gadget.jar dev.strand.gateway.Main}): a handler that throws, an event the module
 * cannot encode, an evolve that is not deterministic. A module bug costs that command (500 COMMAND_HANDLER_FAILED,
 * problem+json, no stack trace, nothing journaled, logged and counted) and nothing else; a replica that cannot apply
 * what the writer journaled is a broken invariant and halts writes loudly (503 HALTED, readiness DOWN, ERROR line).
 */
@Timeout(180)
class EngineBugIT
{
    private static Path work;
    private static Path moduleJar;
    private static StrandProcess server;

    @BeforeAll
    static void start()
    {
        work = Work.fresh("engine-bugs");
        // the module as a user adds it: a jar in a directory given to the shipped strand.jar with --modules
        moduleJar = ModuleJar.build(work.resolve("modules/gadget.jar"));
        server = StrandProcess.builder(work.resolve("data")).flag("modules", moduleJar.getParent())
            .log(work.resolve("server.log")).start();
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.close();
        }
    }

    private static JsonObject gadget(final String type, final String id, final JsonObject data)
    {
        return Http.envelope(type, id, data);
    }

    private static void assertHandlerFailed(final Http.Response r)
    {
        assertThat(r.statusCode()).as("%s", r).isEqualTo(500);
        assertThat(r.isProblem()).as("%s", r).isTrue();
        assertThat(r.code()).isEqualTo("COMMAND_HANDLER_FAILED");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.strand");
        final JsonObject problem = r.json();
        assertThat(problem.getString("type")).isNotBlank();
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank();
    }

    @Test
    void shouldAnswer500ForAThrowingHandlerJournalNothingAndGoOn()
    {
        final Http http = server.http();
        assertThat(http.command(gadget("Tick", "g-1", new JsonObject().put("n", 2))).statusCode()).isEqualTo(200);
        final long before = http.journalPosition();
        final double failedBefore = metric(http, "strand_commands_total{outcome=\"failed\"}");

        assertHandlerFailed(http.command(gadget("Explode", "g-1", new JsonObject())));
        assertThat(http.journalPosition()).isEqualTo(before);

        // the same aggregate and others keep working
        assertThat(http.command(gadget("Tick", "g-1", new JsonObject().put("n", 3))).statusCode()).isEqualTo(200);
        assertThat(http.command(Http.open("bug-acc")).statusCode()).isEqualTo(200);

        // atomic batch: all or nothing, the failing command named by its index
        final long beforeBatch = http.journalPosition();
        final Http.Response atomic = http.batch(true, new JsonArray()
            .add(gadget("Tick", "g-2", new JsonObject()))
            .add(gadget("Explode", "g-2", new JsonObject()))
            .add(Http.deposit("bug-acc", 5)));
        assertHandlerFailed(atomic);
        assertThat(atomic.json().getInteger("index")).isEqualTo(1);
        assertThat(http.journalPosition()).isEqualTo(beforeBatch);

        // plain batch: the others are applied
        final Http.Response plain = http.batch(false, new JsonArray()
            .add(gadget("Tick", "g-2", new JsonObject()))
            .add(gadget("Explode", "g-2", new JsonObject()))
            .add(Http.deposit("bug-acc", 5)));
        assertThat(plain.statusCode()).isEqualTo(200);
        final JsonArray results = plain.json().getJsonArray("results");
        assertThat(results.getJsonObject(0).getString("status")).isEqualTo("accepted");
        assertThat(results.getJsonObject(1).getString("code")).isEqualTo("COMMAND_HANDLER_FAILED");
        assertThat(results.getJsonObject(2).getString("status")).isEqualTo("accepted");
        assertThat(http.journalPosition()).isEqualTo(beforeBatch + 2);

        // many failures interleaved with good commands, concurrently: every good one lands
        final List<CompletableFuture<Http.Response>> good = new ArrayList<>();
        final List<CompletableFuture<Http.Response>> bad = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            good.add(http.commandAsync(Http.deposit("bug-acc", 1)));
            bad.add(http.commandAsync(gadget("Explode", "g-" + (i % 7), new JsonObject())));
        }
        good.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        bad.forEach(f -> assertHandlerFailed(f.join()));
        assertThat(server.http().get("/aggregates/bug-acc?minPosition=" + http.journalPosition()).json()
            .getJsonObject("state").getLong("balance")).isEqualTo(5 + 300);
        assertThat(metric(http, "strand_commands_total{outcome=\"failed\"}") - failedBefore).isEqualTo(1 + 1 + 1 + 300);
        assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(KillNineIT.lines(server.log(), "handler of Explode")).hasSizeGreaterThanOrEqualTo(303);
        Work.figures("engine bug: throwing handler", "303 failing commands: each 500 COMMAND_HANDLER_FAILED, " +
            "nothing journaled, 300 interleaved good commands all applied, server ready throughout");
    }

    @Test
    void shouldAnswer500ForAnEventTheModuleCannotEncodeAndGoOn()
    {
        final Http http = server.http();
        assertThat(http.command(gadget("Tick", "enc-1", new JsonObject().put("n", 1))).statusCode()).isEqualTo(200);
        final long before = http.journalPosition();
        assertHandlerFailed(http.command(gadget("Tick", "enc-1", new JsonObject().put("n", 13))));
        assertThat(http.journalPosition()).isEqualTo(before);
        assertThat(http.command(gadget("Tick", "enc-1", new JsonObject().put("n", 4))).statusCode()).isEqualTo(200);
        assertThat(http.command(Http.open("enc-acc")).statusCode()).isEqualTo(200);
        assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
        final JsonObject state = http.get("/aggregates/enc-1?minPosition=" + http.journalPosition()).json();
        assertThat(state.getLong("version")).isEqualTo(2);
        assertThat(state.getJsonObject("state").getLong("total")).isEqualTo(5);
    }

    @Test
    void shouldHaltWritesLoudlyWhenAReplicaCannotApplyWhatTheWriterJournaled()
    {
        final Path dir = Work.fresh("engine-bugs-drift");
        try (StrandProcess own = StrandProcess.builder(dir.resolve("data")).classpath(moduleJar).log(dir.resolve("server.log")).start())
        {
            final Http http = own.http();
            assertThat(http.command(Http.open("drift-acc")).statusCode()).isEqualTo(200);
            // the writer's evolve runs first and passes; the read model's run of the same evolve throws
            assertThat(http.command(gadget("Drift", "d-1", new JsonObject())).statusCode()).isEqualTo(200);
            Waits.await("readiness DOWN").atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/health/ready").statusCode() == 503);
            final Http.Response ready = http.get("/health/ready");
            assertThat(ready.isProblem()).isTrue();
            assertThat(ready.json().getString("detail")).contains("read-model");
            final Http.Response refused = http.command(Http.deposit("drift-acc", 1));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo("HALTED");
            assertThat(refused.retryAfter()).isNotNull();
            assertThat(metric(http, "strand_ready")).isZero();
            assertThat(own.log()).contains("ENGINE HALTED");
            assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
            Work.figures("engine bug: nondeterministic evolve", "the read model could not apply a journaled event: " +
                "writes 503 HALTED, readiness 503 naming the read model, ENGINE HALTED in the log");
        }
        Work.delete(dir);
    }

    static double metric(final Http http, final String series)
    {
        return Metrics.parse(http.get("/metrics").body()).value(series);
    }
}
