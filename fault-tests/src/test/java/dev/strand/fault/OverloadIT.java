package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Driven past capacity: a small ring, {@code durability=sync} (an msync per group commit makes the engine the
 * bottleneck), hundreds of requests in flight, singles and batches. The server answers what it cannot take with 503
 * OVERLOADED and Retry-After (problem+json) at once, never blocks an event loop (no blocked-thread warning in its
 * log), keeps its memory bounded, journals exactly what it acknowledged, and serves normally once the load drops.
 */
class OverloadIT
{
    @Test
    @Timeout(180)
    void shouldShedLoadWith503AndRecover(final TestInfo info)
    {
        run(info, 6);
    }

    @Test
    @Tag("slow")
    @Timeout(900)
    void shouldShedLoadForMinutes(final TestInfo info)
    {
        run(info, 120);
    }

    private static void run(final TestInfo info, final int seconds)
    {
        final Path work = Work.fresh("overload-" + info.getTestMethod().orElseThrow().getName());
        final LedgerLoad load = new LedgerLoad(64, 9);
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> codes = new ConcurrentHashMap<>();
        long maxRssKib = 0;
        long idleRssKib;
        try (StrandProcess server = StrandProcess.builder(work.resolve("data")).log(work.resolve("server.log"))
            .flag("ring-size", 8).flag("durability", "sync").heap("-Xmx256m").start())
        {
            final Http http = server.http();
            load.openAccounts(http);
            idleRssKib = server.rssKib();
            final Semaphore inFlight = new Semaphore(384);
            final Random random = new Random(9);
            final List<CompletableFuture<?>> all = new ArrayList<>();
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long nextSample = 0;
            while (System.nanoTime() < end)
            {
                inFlight.acquireUninterruptibly();
                final CompletableFuture<Void> f;
                if (random.nextInt(10) == 0)
                {
                    final JsonArray batch = new JsonArray();
                    for (int i = 0; i < 200; i++)
                    {
                        batch.add(load.nextCommand(random));
                    }
                    f = http.sendAsync(http.request("/commands/batch").header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                new JsonObject().put("atomic", false).put("commands", batch).encode())).build())
                        .thenAccept(r -> fileBatch(load, batch, r, statuses, codes));
                }
                else
                {
                    final JsonObject command = load.nextCommand(random);
                    f = http.commandAsync(command).thenAccept(r ->
                    {
                        count(r, statuses, codes);
                        load.file(command, r);
                    });
                }
                all.add(f.whenComplete((v, t) -> inFlight.release()));
                if (System.nanoTime() > nextSample)
                {
                    maxRssKib = Math.max(maxRssKib, server.rssKib());
                    nextSample = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                }
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
            maxRssKib = Math.max(maxRssKib, server.rssKib());

            assertThat(statuses.keySet()).as("statuses %s codes %s", statuses, codes).containsOnly(200, 503);
            assertThat(codes.keySet()).as("problem codes").containsOnly("OVERLOADED");
            assertThat(statuses.get(503).get()).as("some requests shed").isPositive();
            assertThat(server.log()).doesNotContain("has been blocked for").doesNotContain("OutOfMemoryError");
            assertThat(maxRssKib).as("RSS under overload (KiB), heap capped at 256 MiB").isLessThan(700 * 1024);

            // load gone: the next commands are served at once
            final long start = System.nanoTime();
            for (int i = 0; i < 200; i++)
            {
                final JsonObject command = Http.deposit(load.accounts.get(i % load.accounts.size()), 1);
                final Http.Response r = http.command(command);
                assertThat(r.statusCode()).as("after the overload: %s", r).isEqualTo(200);
                load.file(command, r);
            }
            final long recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(recoveredMillis).as("200 sequential commands after the load dropped (ms)").isLessThan(10_000);
            assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
            assertThat(load.unknown).as("requests with no answer").isEmpty();
            new LedgerAudit().full(http).checkAgainst(load).checkReadSide(http, load.accounts);
            Work.figures("overload " + seconds + " s", String.format(
                "ring 8 slots, durability sync, 384 requests in flight (10%% batches of 200): %d answered 200, %d " +
                    "answered 503 OVERLOADED with Retry-After; %d commands acknowledged and journaled, %d refused and absent; " +
                    "RSS %d MiB idle, %d MiB max; no blocked-thread warning; 200 sequential commands after: %d ms",
                statuses.getOrDefault(200, new AtomicLong()).get(), statuses.get(503).get(), load.acked.size(),
                load.rejected.size(), idleRssKib / 1024, maxRssKib / 1024, recoveredMillis));
        }
        Work.delete(work);
    }

    private static void count(final Http.Response r, final Map<Integer, AtomicLong> statuses, final Map<String, AtomicLong> codes)
    {
        statuses.computeIfAbsent(r.statusCode(), s -> new AtomicLong()).incrementAndGet();
        if (r.statusCode() != 200)
        {
            codes.computeIfAbsent(String.valueOf(r.code()), c -> new AtomicLong()).incrementAndGet();
            if (r.statusCode() == 503 && r.retryAfter() == null)
            {
                codes.computeIfAbsent("503 without Retry-After", c -> new AtomicLong()).incrementAndGet();
            }
            if (!r.isProblem())
            {
                codes.computeIfAbsent("not problem+json", c -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    private static void fileBatch(final LedgerLoad load, final JsonArray batch, final Http.Response r,
                                  final Map<Integer, AtomicLong> statuses, final Map<String, AtomicLong> codes)
    {
        count(r, statuses, codes);
        if (r.statusCode() != 200)
        {
            for (int i = 0; i < batch.size(); i++)
            {
                load.file(batch.getJsonObject(i), r);
            }
            return;
        }
        final JsonArray results = r.json().getJsonArray("results");
        for (int i = 0; i < results.size(); i++)
        {
            final JsonObject result = results.getJsonObject(i);
            final JsonObject command = batch.getJsonObject(i);
            if ("accepted".equals(result.getString("status")))
            {
                load.acked.put(command.getString("commandId"), new LedgerLoad.Ack(command.getString("commandId"),
                    command.getString("type"), result.getLong("position"), result.getJsonArray("events").size()));
            }
            else
            {
                load.rejected.add(command.getString("commandId"));
            }
        }
    }
}
