package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory is a resource with a floor: a server with a small heap, fed new accounts in batches of 1,000 until it
 * refuses, must refuse with 503 CAPACITY_EXHAUSTED (readiness down, a metric, one log line) rather than run out of
 * memory; commands on existing accounts and reads go on; and a restart with a larger heap holds every acknowledged
 * command.
 */
class MemoryFloorIT
{
    private static final int BATCH = 1_000;
    /** Far more than 128 MiB can hold (about 700 bytes an account across three replicas): the floor must come first. */
    private static final int MAX_ACCOUNTS = 2_000_000;

    @Test
    @Timeout(600)
    void shouldRefuseNewAggregatesAtTheHeapFloorInsteadOfRunningOutOfMemory(final TestInfo info)
    {
        final Path work = Work.fresh("memory-floor");
        final Path data = work.resolve("data");
        final List<String> acked = new ArrayList<>();
        int refusedBatches = 0;
        String refusal = null;
        final long started = System.nanoTime();
        try (StrandProcess server = StrandProcess.builder(data).log(work.resolve("server-small-heap.log"))
            .heap("-Xmx128m").flag("idempotency-window", 100_000).flag("snapshot-every-events", 0)
            .flag("snapshot-every-seconds", 0).start())
        {
            final Http http = server.http();
            int next = 0;
            while (next < MAX_ACCOUNTS && refusal == null)
            {
                final JsonArray commands = new JsonArray();
                for (int i = 0; i < BATCH; i++)
                {
                    final String id = "mem-" + (next + i);
                    commands.add(Http.open(id).put("commandId", "open-" + id));
                }
                final Http.Response r = http.post("/commands/batch", new JsonObject().put("atomic", false)
                    .put("commands", commands));
                if (r.statusCode() == 503)
                {
                    assertThat(r.code()).as(r.toString()).isEqualTo("CAPACITY_EXHAUSTED");
                    assertThat(r.retryAfter()).isNotNull();
                    refusal = r.body();
                    refusedBatches++;
                    break;
                }
                assertThat(r.statusCode()).as(r.toString()).isEqualTo(200);
                final JsonArray results = r.json().getJsonArray("results");
                for (int i = 0; i < results.size(); i++)
                {
                    final JsonObject item = results.getJsonObject(i);
                    if (item.getString("code") == null)
                    {
                        acked.add("mem-" + (next + i));
                    }
                    else
                    {
                        assertThat(item.getString("code")).as(item.encode()).isEqualTo("CAPACITY_EXHAUSTED");
                        refusal = item.encode();
                    }
                }
                next += BATCH;
            }
            assertThat(refusal).as("refused before %d accounts", MAX_ACCOUNTS).isNotNull();
            assertThat(server.isAlive()).isTrue();

            final Http.Response ready = http.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("CAPACITY_EXHAUSTED");
            final Http.Response metrics = http.get("/metrics");
            assertThat(metrics.body()).containsPattern("strand_commands_total\\{outcome=\"capacity_exhausted\"[^}]*} [1-9]");
            assertThat(metrics.body()).contains("strand_heap_headroom_bytes");

            final String existing = acked.get(acked.size() / 2);
            final Http.Response deposit = http.command(Http.deposit(existing, 5));
            assertThat(deposit.statusCode()).as("commands on existing accounts go on: " + deposit).isEqualTo(200);
            acked.add("deposit:" + existing);
            assertThat(http.get("/aggregates/" + existing).statusCode()).as("reads go on").isEqualTo(200);
            assertThat(http.command(Http.open("mem-brand-new")).code()).isEqualTo("CAPACITY_EXHAUSTED");
            server.stop();
        }
        final String log = StrandProcess.readText(work.resolve("server-small-heap.log"));
        assertThat(log).as("no OutOfMemoryError, on any thread").doesNotContain("OutOfMemoryError");
        assertThat(log.split("CAPACITY EXHAUSTED", -1).length - 1).as("one log line says so").isEqualTo(1);

        final int accounts = acked.size() - 1;
        try (StrandProcess server = StrandProcess.builder(data).log(work.resolve("server-large-heap.log"))
            .heap("-Xmx1g").start())
        {
            final Http http = server.http();
            assertThat(server.http().get("/health/ready").statusCode()).isEqualTo(200);
            final Random random = new Random(7);
            for (int i = 0; i < 200; i++)
            {
                final String id = acked.get(random.nextInt(accounts));
                assertThat(http.get("/aggregates/" + id).statusCode()).as(id).isEqualTo(200);
            }
            assertThat(http.get("/aggregates/" + acked.get(accounts - 1)).statusCode()).isEqualTo(200);
            final Http.Response page = http.get("/events?fromPosition=" + accounts + "&limit=10");
            assertThat(page.json().getJsonArray("events").size()).as("the last account opened, then the deposit")
                .isEqualTo(2);
            assertThat(http.command(Http.open("mem-brand-new")).statusCode()).as("a larger heap takes new ones")
                .isEqualTo(200);
        }
        Work.figures(info.getDisplayName(), "memory floor: -Xmx128m (idempotency window 100,000) took " + accounts + " accounts in batches of " +
            BATCH + ", then refused with CAPACITY_EXHAUSTED (" + refusedBatches + " whole batch refused) after " +
            Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s; no OutOfMemoryError; restart with -Xmx1g " +
            "holds all " + accounts + " accounts and the deposit");
        Work.delete(work);
    }
}
