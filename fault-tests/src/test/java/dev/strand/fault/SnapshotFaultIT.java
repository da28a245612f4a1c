package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots that cannot be trusted: a crash while one is written, a damaged newest one, one of an unknown format
 * version. Recovery falls back to an older snapshot (or to the journal alone) and never serves wrong state: after
 * every restart the audit compares the read side's balances with the replay of {@code GET /events}.
 */
class SnapshotFaultIT
{
    private static final Pattern READY = Pattern.compile("engine ready: journal at position (\\d+), snapshot at (\\d+)");

    enum Damage
    {
        /** A byte of the body changed: the CRC32C no longer matches. */
        FLIPPED_BYTE_IN_BODY,
        /** Cut short, as a copy that ran out of space leaves it. */
        TRUNCATED,
        /** A container format this build does not know. */
        UNKNOWN_CONTAINER_VERSION,
        /** A body (engine state) format this build does not know, with a valid checksum. */
        UNKNOWN_BODY_VERSION,
        /** A valid container whose body fails part-way: an aggregate type no module registers. */
        BODY_FAILS_PART_WAY,
        /** Every snapshot damaged: only the journal is left. */
        ALL_SNAPSHOTS_DAMAGED
    }

    /** Built once: three snapshots (two requested, one at shutdown) over a journal that goes on past each. */
    private static Path base;
    private static LedgerLoad baseLoad;
    private static List<Long> taken;

    @BeforeAll
    static void buildBase()
    {
        final Path work = Work.fresh("snapshot-base");
        base = work.resolve("data");
        baseLoad = new LedgerLoad(200, 7);
        final Random random = new Random(7);
        taken = new ArrayList<>();
        try (StrandProcess server = start(base, work, 0))
        {
            final Http http = server.http();
            baseLoad.openAccounts(http);
            taken.add(snapshot(http));
            baseLoad.sendRandom(http, 200, random);
            taken.add(snapshot(http));
            // accounts that only the newest snapshot holds: a part-way failure must not leave them behind
            for (int i = 0; i < 20; i++)
            {
                baseLoad.send(http, Http.open("late-" + i));
                baseLoad.send(http, Http.deposit("late-" + i, 500 + i));
            }
            baseLoad.sendRandom(http, 150, random);
            assertThat(server.stop()).isZero();
        }
        assertThat(baseLoad.unknown).isEmpty();
    }

    @AfterAll
    static void deleteBase()
    {
        if (base != null)
        {
            Work.delete(base.getParent());
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    @Timeout(120)
    void shouldFallBackAndServeTheReplayedState(final Damage damage)
    {
        final Path work = Work.fresh("snapshot-" + damage);
        final Path data = work.resolve("data");
        Work.copy(base, data);
        final List<Path> snapshots = SnapshotFiles.list(data.resolve("snapshots"));
        assertThat(snapshots).as("two requested snapshots and the shutdown one").hasSize(3);
        final Path newest = snapshots.get(0);
        final long expectedFallback = damage == Damage.ALL_SNAPSHOTS_DAMAGED ? 0 : SnapshotFiles.position(snapshots.get(1));
        assertThat(SnapshotFiles.position(newest)).isGreaterThan(taken.get(1));
        for (final Path file : damage == Damage.ALL_SNAPSHOTS_DAMAGED ? snapshots : List.of(newest))
        {
            damage(file, damage);
        }

        final List<String> accounts = new ArrayList<>(baseLoad.accounts);
        for (int i = 0; i < 20; i++)
        {
            accounts.add("late-" + i);
        }
        final LedgerAudit audit = new LedgerAudit();
        try (StrandProcess server = start(data, work, 1))
        {
            final String log = server.log();
            assertThat(log).contains("skipping snapshot " + newest.toAbsolutePath());
            final Matcher ready = READY.matcher(log);
            assertThat(ready.find()).as("engine ready line in:\n%s", log).isTrue();
            assertThat(Long.parseLong(ready.group(2))).as("snapshot recovery started from").isEqualTo(expectedFallback);
            final Http http = server.http();
            audit.full(http).checkAgainst(baseLoad).checkReadSide(http, accounts);
            assertThat(server.stop()).isZero();
        }
        Work.figures("snapshot " + damage, "recovery skipped the damaged snapshot(s), fell back to position " +
            expectedFallback + " plus the journal; " + accounts.size() + " balances equal the replay of " +
            audit.size() + " events");
        Work.delete(work);
    }

    @Test
    @Timeout(300)
    void shouldIgnoreTheUnfinishedSnapshotOfAProcessKilledWhileWritingIt()
    {
        final Path work = Work.fresh("snapshot-killed-while-writing");
        final Path data = work.resolve("data");
        final LedgerLoad load = new LedgerLoad(30_000, 11);
        final Random random = new Random(11);
        final LedgerAudit audit = new LedgerAudit();
        StrandProcess server = start(data, work, 0).awaitReady(java.time.Duration.ofSeconds(60));
        int attempts = 0;
        int hits = 0;
        long sizeBytes = 0;
        long durationMs = 0;
        try
        {
            load.openAccounts(server.http());
            final JsonObject first = server.http().post("/admin/snapshots", null, "").json();
            sizeBytes = first.getLong("sizeBytes");
            durationMs = Math.max(1, first.getLong("durationMicros") / 1000);
            while (hits < 1 && attempts < 8)
            {
                attempts++;
                final Http http = server.http();
                load.sendRandom(http, 200, random);
                final CompletableFuture<?> request = CompletableFuture.runAsync(() ->
                {
                    try
                    {
                        http.post("/admin/snapshots", null, "");
                    }
                    catch (final UncheckedIOException expected)
                    {
                        // killed under it
                    }
                });
                Waits.await("the snapshot's temp file").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> hasTempFile(data) || request.isDone());
                Waits.sleep(random.nextInt((int)Math.max(1, durationMs / 2)));
                server.kill9();
                request.exceptionally(t -> null);
                final boolean hit = hasTempFile(data);
                if (hit)
                {
                    hits++;
                }
                server = start(data, work, attempts);
                if (hit)
                {
                    assertThat(server.log()).contains("deleting unfinished snapshot");
                    assertThat(hasTempFile(data)).isFalse();
                }
                final Http after = server.http();
                audit.read(after).checkAgainst(load);
                load.resendUnknown(after, audit);
                audit.read(after).checkAgainst(load).checkReadSide(after, sample(load.accounts, random));
            }
            assertThat(hits).as("kills that landed while a snapshot file was being written, in %d attempts", attempts)
                .isGreaterThanOrEqualTo(1);
            audit.full(server.http()).checkAgainst(load);
        }
        finally
        {
            server.close();
        }
        Work.figures("snapshot killed while writing", "state of " + load.accounts.size() + " accounts, snapshot " +
            sizeBytes + " bytes written in " + durationMs + " ms; " + hits + " of " + attempts +
            " kills landed mid-write; every restart ignored the temp file and served the replayed state (" +
            audit.size() + " events)");
        Work.delete(work);
    }

    private static StrandProcess start(final Path data, final Path work, final int run)
    {
        return StrandProcess.builder(data).log(work.resolve("server-" + run + ".log"))
            .flag("snapshot-every-events", 0).flag("snapshot-every-seconds", 0).flag("snapshots-kept", 3)
            .heap("-Xmx768m")
            .start();
    }

    private static long snapshot(final Http http)
    {
        final Http.Response r = http.post("/admin/snapshots", null, "");
        assertThat(r.statusCode()).as("POST /admin/snapshots: %s", r).isEqualTo(200);
        return r.json().getLong("position");
    }

    private static void damage(final Path file, final Damage damage)
    {
        switch (damage)
        {
            case FLIPPED_BYTE_IN_BODY, ALL_SNAPSHOTS_DAMAGED -> SnapshotFiles.flipByte(file, SnapshotFiles.HEADER + 100);
            case TRUNCATED -> SnapshotFiles.truncate(file, SnapshotFiles.read(file).length / 2);
            case UNKNOWN_CONTAINER_VERSION -> SnapshotFiles.putInt(file, 8, 99);
            case UNKNOWN_BODY_VERSION -> SnapshotFiles.patchBodyInt(file, 0, 99);
            case BODY_FAILS_PART_WAY -> SnapshotFiles.breakAggregateType(file, "account", -1);
            default -> throw new IllegalStateException();
        }
    }

    private static boolean hasTempFile(final Path data)
    {
        final Path dir = data.resolve("snapshots");
        if (!Files.isDirectory(dir))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
        catch (final java.io.IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<String> sample(final List<String> accounts, final Random random)
    {
        final List<String> sample = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            sample.add(accounts.get(random.nextInt(accounts.size())));
        }
        return sample;
    }
}
