package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} in the middle of archiving. The server journals with a cycle file a second
 * ({@code --roll-cycle TEST_SECONDLY}), snapshots every 2,000 events and archives every cycle file recovery no longer
 * needs ({@code --retention-age 1ms}) after each snapshot and on {@code POST /admin/journal/retention}, sent in a loop;
 * writers send batches of Deposits. The test watches the archive directory and kills the server the moment it sees a
 * run in progress: a {@code .partial} copy (the kill lands mid-copy), or a cycle file both archived and still in the
 * journal directory (between the copy and the removal). Each round then restarts the server over the same
 * directories and checks that nothing was lost and the interrupted run was completed:
 *
 * <ul>
 *   <li>the server starts; every acknowledged Deposit is in the balances, exactly once (Deposits in flight at the kill
 *       are resent with their commandId: a replay when journaled, executed when not);</li>
 *   <li>the journal serves its first position on, gapless to its end, and {@code strand verify} exits 0: the
 *       archive's manifest and files are whole and its chain joins the journal's;</li>
 *   <li>after the next retention run no cycle file is in both directories and no partial copy is left.</li>
 * </ul>
 */
class RetentionKillIT
{
    private static final int ROUNDS = Integer.getInteger("fault.retention.rounds", 6);
    private static final int ACCOUNTS = 8;
    private static final int BATCH = 50;

    @Test
    @Timeout(600)
    void shouldLoseNothingAndCompleteArchivingAfterAKillMidRun() throws Exception
    {
        final Path work = Work.fresh("retention-kill");
        final Path data = work.resolve("data");
        final Path archive = data.resolve("archive");
        final Map<String, Long> expected = new HashMap<>();
        final Map<String, JsonObject> inFlight = new ConcurrentHashMap<>();
        final Random random = new Random(Long.getLong("fault.seed", 7));
        int midCopy = 0;
        int beforeRemoval = 0;
        int completedAtStart = 0;
        long archivedFiles = 0;
        for (int round = 0; round < ROUNDS; round++)
        {
            final boolean aimAtCopy = round % 2 == 0;
            try (StrandProcess server = builder(data, work.resolve("server-" + round + ".log")).start())
            {
                final Http http = server.http();
                if (round == 0)
                {
                    for (int a = 0; a < ACCOUNTS; a++)
                    {
                        assertThat(http.command(Http.open("acc-" + a).put("commandId", "open-" + a)).statusCode()).isEqualTo(200);
                        expected.put("acc-" + a, 0L);
                    }
                }
                else
                {
                    if (server.log().contains("completing that run"))
                    {
                        completedAtStart++;
                    }
                    resend(http, inFlight, expected);
                    audit(http, expected, data);
                }
                final AtomicBoolean stop = new AtomicBoolean();
                final ExecutorService pool = Executors.newFixedThreadPool(3);
                final List<Future<?>> tasks = new ArrayList<>();
                for (int w = 0; w < 2; w++)
                {
                    final long seed = random.nextLong();
                    tasks.add(pool.submit(() -> write(http, new Random(seed), stop, inFlight, expected)));
                }
                tasks.add(pool.submit(() ->
                {
                    while (!stop.get())
                    {
                        try
                        {
                            http.post("/admin/journal/retention", new JsonObject());
                        }
                        catch (final RuntimeException ex)
                        {
                            return null; // the server was killed
                        }
                    }
                    return null;
                }));
                final boolean hit = Waits.await("a retention run in progress to kill").atMost(Duration.ofSeconds(120))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> aimAtCopy ? hasPartial(archive) : archivedButNotRemoved(archive, data.resolve("journal")),
                        found -> found);
                server.kill9();
                if (aimAtCopy)
                {
                    midCopy += hit && hasPartial(archive) ? 1 : 0;
                }
                else
                {
                    beforeRemoval += hit && archivedButNotRemoved(archive, data.resolve("journal")) ? 1 : 0;
                }
                stop.set(true);
                for (final Future<?> t : tasks)
                {
                    t.get(60, TimeUnit.SECONDS);
                }
                pool.shutdown();
            }
        }
        try (StrandProcess server = builder(data, work.resolve("server-last.log")).start())
        {
            final Http http = server.http();
            if (server.log().contains("completing that run"))
            {
                completedAtStart++;
            }
            resend(http, inFlight, expected);
            audit(http, expected, data);
            final Http.Response run = http.post("/admin/journal/retention", new JsonObject());
            assertThat(run.statusCode()).as("%s", run).isEqualTo(200);
            assertThat(hasPartial(archive)).as("no partial copy after a run").isFalse();
            assertThat(archivedButNotRemoved(archive, data.resolve("journal"))).as("no file in both places").isFalse();
            archivedFiles = cycleFiles(archive).size();
            assertThat(server.stop()).isZero();
        }
        final CycleFiles.Verify verify = CycleFiles.verify(data);
        assertThat(verify.exitCode()).as("strand verify after the kills:\n%s", verify.output()).isZero();
        assertThat(verify.output()).contains("their chain joins the journal at position");
        assertThat(midCopy + beforeRemoval).as("kills that landed in a run (mid-copy %d, before removal %d)", midCopy,
            beforeRemoval).isPositive();
        Work.figures("retention kill -9", ROUNDS + " kills: " + midCopy + " mid-copy (a .partial file in the archive), " +
            beforeRemoval + " between the copy and the removal from the journal, " + completedAtStart +
            " starts completed an interrupted run; " + archivedFiles + " cycle files archived in all, 0 lost, " +
            "verify exit 0");
        Work.delete(work);
    }

    private static StrandProcess.Builder builder(final Path data, final Path log)
    {
        return StrandProcess.builder(data).log(log)
            .flag("roll-cycle", "TEST_SECONDLY")
            .flag("retention-age", "1ms")
            .flag("snapshot-every-events", 2000)
            .flag("snapshot-every-seconds", 0)
            .flag("snapshots-kept", 2)
            .flag("preallocate", "false");
    }

    /** Batches of Deposits until told to stop; each command's fate is remembered. */
    private static Object write(final Http http, final Random random, final AtomicBoolean stop,
        final Map<String, JsonObject> inFlight, final Map<String, Long> expected)
    {
        while (!stop.get())
        {
            final JsonArray batch = new JsonArray();
            final List<JsonObject> commands = new ArrayList<>();
            for (int i = 0; i < BATCH; i++)
            {
                final JsonObject deposit = Http.deposit("acc-" + random.nextInt(ACCOUNTS), 1 + random.nextInt(100))
                    .put("commandId", UUID.randomUUID().toString());
                commands.add(deposit);
                batch.add(deposit);
            }
            commands.forEach(c -> inFlight.put(c.getString("commandId"), c));
            final Http.Response r;
            try
            {
                r = http.batch(false, batch);
            }
            catch (final RuntimeException ex)
            {
                return null; // no answer: the server was killed; the batch stays in flight
            }
            if (r.statusCode() != 200)
            {
                return null;
            }
            final JsonArray results = r.json().getJsonArray("results");
            for (int i = 0; i < commands.size(); i++)
            {
                final JsonObject c = commands.get(i);
                if ("accepted".equals(results.getJsonObject(i).getString("status")))
                {
                    synchronized (expected)
                    {
                        expected.merge(c.getString("aggregateId"), c.getJsonObject("data").getLong("amount"), Long::sum);
                    }
                }
                inFlight.remove(c.getString("commandId"));
            }
        }
        return null;
    }

    /** Resends the commands that had no answer at the kill, with their commandId: each ends accepted exactly once. */
    private static void resend(final Http http, final Map<String, JsonObject> inFlight, final Map<String, Long> expected)
    {
        for (final JsonObject c : List.copyOf(inFlight.values()))
        {
            final Http.Response r = http.command(c);
            assertThat(r.statusCode()).as("resent %s: %s", c.getString("commandId"), r).isEqualTo(200);
            expected.merge(c.getString("aggregateId"), c.getJsonObject("data").getLong("amount"), Long::sum);
            inFlight.remove(c.getString("commandId"));
        }
    }

    /** Balances exact; the journal gapless from its first position; verify sound beside the running server. */
    private static void audit(final Http http, final Map<String, Long> expected, final Path data)
    {
        final long end = http.get("/admin/journal/head").json().getLong("position");
        final long first = http.get("/admin/journal/head").json().getLong("firstPosition");
        for (final Map.Entry<String, Long> e : expected.entrySet())
        {
            final JsonObject view = http.get("/aggregates/" + e.getKey() + "?minPosition=" + end).json();
            assertThat(view.getJsonObject("state").getLong("balance")).as("balance of %s", e.getKey()).isEqualTo(e.getValue());
        }
        long next = first;
        while (next <= end)
        {
            final JsonArray events = http.get("/events?fromPosition=" + next + "&limit=10000").json().getJsonArray("events");
            assertThat(events).as("events from %d", next).isNotEmpty();
            for (int i = 0; i < events.size(); i++)
            {
                assertThat(events.getJsonObject(i).getLong("position")).isEqualTo(next++);
            }
        }
        if (first > 1)
        {
            assertThat(http.get("/events?fromPosition=1").statusCode()).isEqualTo(410);
        }
        final CycleFiles.Verify verify = CycleFiles.verify(data);
        assertThat(verify.exitCode()).as("strand verify beside the server:\n%s", verify.output()).isZero();
    }

    private static boolean hasPartial(final Path archive)
    {
        return list(archive).stream().anyMatch(p -> p.getFileName().toString().endsWith(".partial"));
    }

    /** A cycle file in the archive that is still in the journal directory: copied, not yet removed. */
    private static boolean archivedButNotRemoved(final Path archive, final Path journal)
    {
        final Set<String> live = cycleFiles(journal).stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        return cycleFiles(archive).stream().anyMatch(p -> live.contains(p.getFileName().toString()));
    }

    private static List<Path> cycleFiles(final Path dir)
    {
        return list(dir).stream().filter(p -> p.getFileName().toString().endsWith(".cq4")).toList();
    }

    private static List<Path> list(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
