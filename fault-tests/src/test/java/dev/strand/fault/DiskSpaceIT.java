package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full disk, for real: the data directory on a 64 MiB tmpfs (mounted by the test; CI runs as root), a free-space
 * floor of 16 MiB, and a ballast file that takes space away and gives it back. Below the floor writes get 503
 * HALTED with problem+json and Retry-After, readiness goes 503 saying why, the metrics show it, a log line says it;
 * reads go on; nothing acknowledged is lost; when space returns the server takes writes again by itself, without a
 * restart and without a command to wake it. The journal's pre-allocator (it writes zeros up to 64 MiB ahead) must
 * stay above the floor, and filling the disk to its last byte under load must never crash the JVM (Chronicle on a
 * full disk dies of SIGBUS).
 */
@Timeout(240)
class DiskSpaceIT
{
    private static final long MIB = 1 << 20;
    private static final long FLOOR = 16 * MIB;
    /** The pre-allocator stops when less than the floor plus one 1 MiB chunk is free; a page more for rounding. */
    private static final long SETTLED = MIB + 4096;

    private Path work;
    private Path mount;
    private boolean mounted;

    /** Each test on a tmpfs of its own, so one that fails cannot leave the next without space. */
    @BeforeEach
    void mountTmpfs(final TestInfo info) throws Exception
    {
        work = Work.fresh("disk-space-" + info.getTestMethod().orElseThrow().getName());
        mount = work.resolve("tmpfs");
        Files.createDirectories(mount);
        final Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString())
            .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes());
        mounted = p.waitFor() == 0;
        if (!mounted)
        {
            System.err.println("DiskSpaceIT: cannot mount a tmpfs (" + out.trim() + "); run as root to test a full disk");
        }
        Assumptions.assumeTrue(mounted, "mounting a tmpfs needs root: " + out);
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mounted)
        {
            final Process p = new ProcessBuilder("umount", mount.toString()).inheritIO().start();
            if (p.waitFor() != 0)
            {
                new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
            }
            mounted = false;
        }
    }

    @Test
    void shouldHaltBelowTheFloorSayWhyAndResumeWhenSpaceReturns() throws Exception
    {
        final Path data = mount.resolve("data");
        // two ballasts placed before the server starts: each round gives one back (once space returns, the
        // pre-allocator takes it again down to the floor plus a chunk, so space cannot be put aside later)
        final List<Path> ballasts = List.of(mount.resolve("ballast-1"), mount.resolve("ballast-2"));
        fill(ballasts.get(0), 18 * MIB);
        fill(ballasts.get(1), 18 * MIB);
        final long freeBeforeStart = free();
        final LedgerLoad load = new LedgerLoad(50, 3);
        try (StrandProcess server = StrandProcess.builder(data).log(work.resolve("server.log"))
            .flag("min-free-bytes", FLOOR).flag("snapshot-every-events", 0).flag("snapshot-every-seconds", 0).start())
        {
            final Http http = server.http();
            load.openAccounts(http);
            final long preallocated = awaitPreallocatorAtTheFloor(freeBeforeStart);

            for (int round = 1; round <= 2; round++)
            {
                final Path ballast = ballasts.get(round - 1);
                final int accepted = writeUntilHalted(http, load);
                final io.vertx.core.json.JsonObject refusedCommand = Http.deposit(load.accounts.get(0), 1);
                final Http.Response halted = http.command(refusedCommand);
                assertThat(halted.statusCode()).isEqualTo(503);
                assertThat(halted.isProblem()).isTrue();
                assertThat(halted.code()).isEqualTo("HALTED");
                assertThat(halted.retryAfter()).isNotNull();
                assertThat(halted.json().getString("detail")).contains("below the floor");
                load.rejected.add(refusedCommand.getString("commandId"));

                final Http.Response ready = http.get("/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.json().getString("detail")).contains("below the floor");
                final Metrics metrics = Metrics.parse(http.get("/metrics").body());
                assertThat(metrics.value("strand_ready")).isZero();
                assertThat(metrics.value("strand_journal_free_bytes")).isLessThan(metrics.value("strand_journal_min_free_bytes"));
                assertThat(metrics.value("strand_journal_min_free_bytes")).isEqualTo(FLOOR);
                assertThat(metrics.value("strand_commands_total{outcome=\"halted\"}")).isPositive();
                assertThat(server.log()).contains("ENGINE HALTED: journal file system has");
                // reads go on
                assertThat(http.get("/aggregates/" + load.accounts.get(0)).statusCode()).isEqualTo(200);

                Files.delete(ballast);
                Waits.await("readiness back UP once space returned, with no command to wake it").atMost(Duration.ofSeconds(10))
                    .until(() -> http.get("/health/ready").statusCode() == 200);
                assertThat(http.command(Http.deposit(load.accounts.get(1), 7)).statusCode()).isEqualTo(200);
                new LedgerAudit().full(http).checkAgainst(load).checkReadSide(http, load.accounts);
                Work.figures("disk space round " + round, "the pre-allocator took " + preallocated / MIB + " MiB and stopped " +
                    "above the floor; " + accepted + " commands accepted before the floor; then 503 " +
                    "HALTED, readiness 503, strand_ready 0; resumed by itself when space returned; nothing acknowledged lost");
            }
            assertThat(server.isAlive()).isTrue();
        }
        assertNoCrash();
        unmount();
        Work.delete(work);
    }

    /**
     * Another process takes the disk down to its last byte between two of the server's free-space checks, while
     * writers are busy: the server must halt, not die (SIGBUS), and resume when the space is given back.
     */
    @Test
    void shouldSurviveTheDiskFillingToTheLastByteUnderLoad() throws Exception
    {
        final Path data = mount.resolve("data-2");
        final Path filler = mount.resolve("filler");
        fill(mount.resolve("ballast-2"), 30 * MIB);
        final LedgerLoad load = new LedgerLoad(20, 5);
        try (StrandProcess server = StrandProcess.builder(data).log(work.resolve("server-2.log"))
            .flag("min-free-bytes", FLOOR).flag("snapshot-every-events", 0).flag("snapshot-every-seconds", 0).start())
        {
            final Http http = server.http();
            load.openAccounts(http);
            final LedgerLoad.Writers writers = load.start(http, 4);
            Waits.sleep(300);
            final long filled = fillToTheLastByte(filler);
            Waits.await("the server to halt on the full disk").atMost(Duration.ofSeconds(30))
                .until(() -> !server.isAlive() || http.get("/health/ready").statusCode() == 503);
            writers.stop();
            assertThat(server.isAlive()).as("the server survived the disk filling up (log:\n%s)", server.log()).isTrue();
            assertThat(free()).isLessThan(MIB);
            assertThat(http.get("/health/ready").statusCode()).isEqualTo(503);
            assertThat(http.command(Http.deposit(load.accounts.get(0), 1)).code()).isEqualTo("HALTED");

            Files.delete(filler);
            Files.delete(mount.resolve("ballast-2"));
            Waits.await("ready after the filler was removed").atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/health/ready").statusCode() == 200);
            load.sendRandom(http, 50, new java.util.Random(1));
            final LedgerAudit audit = new LedgerAudit().full(http);
            load.resendUnknown(http, audit);
            audit.read(http).checkAgainst(load).checkReadSide(http, load.accounts);
            Work.figures("disk filled to the last byte", "a filler took the last " + filled / MIB + " MiB under load: " +
                "server alive, halted (503 HALTED), resumed when the filler was deleted; " + load.acked.size() +
                " acknowledged commands all present");
        }
        assertNoCrash();
        unmount();
        Work.delete(work);
    }

    private void assertNoCrash()
    {
        for (final String log : List.of("server.log", "server-2.log"))
        {
            final Path file = work.resolve(log);
            if (Files.exists(file))
            {
                final String text = StrandProcess.readText(file);
                assertThat(text).doesNotContain("SIGBUS").doesNotContain("A fatal error has been detected")
                    .doesNotContain("InternalError");
            }
        }
    }

    /**
     * The pre-allocator writes zeros up to 64 MiB ahead of the writer, far more than the 12 MiB this tmpfs has above
     * the floor, so once it has had its go the free space must have come down to within {@link #SETTLED} of the floor
     * (it has not run, or stopped early, if not: the accounts' records and Chronicle's headers alone take well under a
     * chunk), and must stay at or above the floor (it ran past it, if not). Returns the bytes taken since the start.
     */
    private long awaitPreallocatorAtTheFloor(final long freeBeforeStart)
    {
        Waits.await("the pre-allocator to take the space above the floor").atMost(Duration.ofSeconds(30))
            .until(() -> free() < FLOOR + SETTLED);
        // and it stops there: never below the floor (a chunk in flight when the wait ended included)
        Waits.await("free space to stay at or above the floor " + FLOOR).during(Duration.ofMillis(500))
            .atMost(Duration.ofSeconds(5)).until(() -> free() >= FLOOR);
        return freeBeforeStart - free();
    }

    /** Sends batches until the engine answers HALTED; returns how many commands were accepted. */
    private int writeUntilHalted(final Http http, final LedgerLoad load)
    {
        int accepted = 0;
        final java.util.Random random = new java.util.Random(accepted);
        for (int i = 0; i < 400; i++)
        {
            final JsonArray batch = new JsonArray();
            for (int k = 0; k < 2_000; k++)
            {
                batch.add(Http.deposit(load.accounts.get(random.nextInt(load.accounts.size())), 1 + random.nextInt(100)));
            }
            final Http.Response r = http.batch(false, batch);
            if (r.statusCode() == 503)
            {
                assertThat(r.code()).isEqualTo("HALTED");
                for (int k = 0; k < batch.size(); k++)
                {
                    load.rejected.add(batch.getJsonObject(k).getString("commandId"));
                }
                return accepted;
            }
            assertThat(r.statusCode()).as("%s", r).isEqualTo(200);
            final JsonArray results = r.json().getJsonArray("results");
            for (int k = 0; k < results.size(); k++)
            {
                final io.vertx.core.json.JsonObject result = results.getJsonObject(k);
                if ("accepted".equals(result.getString("status")))
                {
                    load.acked.put(result.getString("commandId"), new LedgerLoad.Ack(result.getString("commandId"),
                        "Deposit", result.getLong("position"), 1));
                    accepted++;
                }
                else
                {
                    assertThat(result.getString("code")).isEqualTo("HALTED");
                    load.rejected.add(result.getString("commandId"));
                }
            }
            if (results.stream().anyMatch(o -> "HALTED".equals(((io.vertx.core.json.JsonObject)o).getString("code"))))
            {
                return accepted;
            }
        }
        throw new AssertionError("never halted; free bytes " + free());
    }

    private long free()
    {
        try
        {
            final FileStore store = Files.getFileStore(mount);
            return store.getUsableSpace();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void fill(final Path file, final long bytes) throws IOException
    {
        try (OutputStream out = Files.newOutputStream(file))
        {
            final byte[] chunk = new byte[(int)MIB];
            for (long written = 0; written < bytes; written += chunk.length)
            {
                out.write(chunk, 0, (int)Math.min(chunk.length, bytes - written));
            }
        }
    }

    /** Writes until the file system refuses (ENOSPC); returns the bytes written. */
    private static long fillToTheLastByte(final Path file)
    {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file))
        {
            final byte[] chunk = new byte[64 * 1024];
            while (true)
            {
                out.write(chunk);
                written += chunk.length;
            }
        }
        catch (final IOException full)
        {
            return written;
        }
    }
}
