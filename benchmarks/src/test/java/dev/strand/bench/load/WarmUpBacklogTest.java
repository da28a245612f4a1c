package dev.strand.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cold server builds a backlog during the warm-up; the load generator must not charge it to the measured window.
 * The server here answers one request at a time (a queue in front of one thread, as a saturated server does): its
 * first {@code coldRequests} take {@code coldMillis} each, the rest nothing. At 200 requests/s and 20 ms each, the
 * warm-up's 200 requests leave about 150 waiting when it ends; measured requests sent on the warm-up's schedule would
 * have waited behind them for up to 3 s.
 */
class WarmUpBacklogTest
{
    private Vertx vertx;
    private HttpServer server;
    private ExecutorService serial;
    private final AtomicLong served = new AtomicLong();
    private volatile long coldRequests;
    private volatile long coldMillis;
    private volatile long journalPosition;

    @TempDir
    Path out;

    @BeforeEach
    void start() throws Exception
    {
        vertx = Vertx.vertx();
        serial = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-server-service"));
        server = vertx.createHttpServer().requestHandler(request ->
        {
            if (request.path().equals("/stats"))
            {
                request.response().end("{\"journalPosition\":" + journalPosition + "}");
                return;
            }
            if (request.path().equals("/health/ready"))
            {
                request.response().end("{\"status\":\"UP\"}");
                return;
            }
            final Context context = Vertx.currentContext();
            request.body().onSuccess(body -> serial.execute(() ->
            {
                final long n = served.incrementAndGet();
                if (n <= coldRequests)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(coldMillis));
                }
                context.runOnContext(v -> request.response().putHeader("Content-Type", "application/json")
                    .end("{\"position\":" + n + ",\"version\":1}"));
            }));
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception
    {
        server.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        serial.shutdownNow();
    }

    @Test
    void shouldDrainTheWarmUpsBacklogBeforeTheMeasuredWindow() throws Exception
    {
        coldRequests = 200;
        coldMillis = 20;
        final Run run = run("--warmup", "1s", "--duration", "2s");

        assertThat(run.status).as(run.output).isZero();
        assertThat(run.output).containsPattern("warm-up: 200 sends, [1-9][0-9]* in flight at its end, drained in");
        // every measured request is answered at once (plus whatever a shared box adds); sent on the warm-up's
        // schedule behind its backlog (about 150 requests of 20 ms), the first ones would have waited about 3 s
        assertThat(run.httpMaxMillis()).as(run.output).isLessThan(1_500);
    }

    @Test
    void shouldFailTheRunWhenTheWarmUpsBacklogDoesNotDrain() throws Exception
    {
        coldRequests = Long.MAX_VALUE;
        coldMillis = 20;
        final Run run = run("--warmup", "2s", "--duration", "1s", "--timeout", "1s");

        assertThat(run.status).as(run.output).isEqualTo(1);
        assertThat(run.errors).contains("the warm-up's backlog did not drain").contains("lower --rate or lengthen --warmup");
        assertThat(run.errors.lines().filter(l -> l.startsWith("strand-bench: ")).count()).as(run.errors).isEqualTo(1);
    }

    @Test
    void shouldWarnBeforeWritingIntoAServerThatAlreadyHoldsEvents() throws Exception
    {
        journalPosition = 0;
        final Run fresh = run("--warmup", "0s", "--duration", "1s", "--account-prefix", "bench-a-");
        journalPosition = 1_234;
        final Run used = run("--warmup", "0s", "--duration", "1s", "--account-prefix", "bench-b-");

        assertThat(fresh.status).as(fresh.output).isZero();
        assertThat(fresh.output).doesNotContain("already holds");
        assertThat(used.status).as(used.output).isZero();
        assertThat(used.output).contains("already holds 1,234 events").contains("accounts prefixed 'bench-b-'");
    }

    private Run run(final String... timing) throws Exception
    {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final PrintStream err = System.err;
        final String[] common = {"run", "--url", "http://127.0.0.1:" + server.actualPort(), "--rate", "200",
            "--skip-setup", "--accounts", "10", "--connections", "256", "--progress", "0s", "--out", out.toString()};
        final String[] args = new String[common.length + timing.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(timing, 0, args, common.length, timing.length);
        final int status;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try
        {
            status = LoadOptions.execute(new PrintStream(stdout, true, StandardCharsets.UTF_8), args);
        }
        finally
        {
            System.setErr(err);
        }
        return new Run(status, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    private record Run(int status, String output, String errors)
    {
        /** The max column of the table's "http request" row. */
        double httpMaxMillis()
        {
            final String row = output.lines().filter(l -> l.startsWith("http request")).findFirst().orElseThrow();
            final String[] cells = row.trim().split("\\s+");
            return Double.parseDouble(cells[cells.length - 2].replace("ms", ""));
        }
    }
}
