package dev.strand.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's entry point ({@code java -jar strand-bench.jar}). Exit codes: 0 done (a sweep found a
 * sustainable rate), 1 a setup failure (server unreachable), 2 a usage error (one line), 3 a run that got no answer at
 * all, 4 a sweep whose first step already failed.
 */
public final class LoadMain
{
    private LoadMain()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(LoadOptions.execute(System.out, args));
    }

    /** Runs or sweeps with checked options; returns the exit status. */
    static int execute(final LoadOptions o, final PrintStream out)
    {
        final Vertx vertx = Vertx.vertx(new VertxOptions()
            .setEventLoopPoolSize(o.clientThreads + (o.subscribers > 0 ? 1 : 0))
            .setWorkerPoolSize(2)
            .setInternalBlockingPoolSize(2));
        final HttpClientAgent http = vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setKeepAliveTimeout(120),
            new PoolOptions().setHttp1MaxSize(o.connections).setMaxWaitQueueSize(-1).setEventLoopSize(o.clientThreads));
        final WebSocketClient ws = vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22).setMaxConnections(Math.max(1, o.subscribers)));
        try
        {
            Files.createDirectories(o.out);
            checkReady(http, o, out);
            warnIfTheServerHoldsData(http, o, out);
            if (!o.skipSetup && o.mix.needsAccounts())
            {
                AccountSetup.openAccounts(http, o, out);
            }
            final CommandMix mix = new CommandMix(o.mix, o.accountPrefix, o.accounts, o.seed);
            if (o.mode == LoadOptions.Mode.RUN)
            {
                final RunResult result = new LoadRun(vertx, http, ws, o, mix, out).execute();
                Reports.writeAll(result);
                out.print(Reports.table(result));
                out.printf(Locale.ROOT, "wrote %s/{latency.hlog,latency.hgrm,summary.txt,report.html}%n", o.out);
                return result.latency().getTotalCount() == 0 ? 3 : 0;
            }
            final Sweep.Outcome outcome = Sweep.run(vertx, http, ws, o, mix, out);
            final String table = outcome.table();
            Files.writeString(o.out.resolve("sweep.txt"), table);
            Files.writeString(o.out.resolve("sweep.html"), HtmlReport.sweep(outcome));
            out.println();
            out.print(table);
            out.printf(Locale.ROOT, "wrote %s/{sweep.txt,sweep.html} and one directory per step%n", o.out);
            return outcome.highestSustainableRate() > 0 ? 0 : 4;
        }
        catch (final IllegalStateException | UncheckedIOException ex)
        {
            System.err.println("strand-bench: " + ex.getMessage());
            return 1;
        }
        catch (final IOException ex)
        {
            System.err.println("strand-bench: " + ex);
            return 1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return 1;
        }
        finally
        {
            closeQuietly(http, ws, vertx);
        }
    }

    private static void closeQuietly(final HttpClientAgent http, final WebSocketClient ws, final Vertx vertx)
    {
        try
        {
            http.close().await(5, TimeUnit.SECONDS);
            ws.close().await(5, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.TimeoutException | RuntimeException ex)
        {
            System.err.println("strand-bench: closing the client: " + ex);
        }
    }

    /**
     * Says so when the server's journal already holds events: the run writes its commands into that journal for
     * good (under its own account prefix, so it touches no existing account), which is not what one wants against a
     * server holding real data. A server that does not answer {@code GET /stats} is not warned about.
     */
    private static void warnIfTheServerHoldsData(final HttpClientAgent http, final LoadOptions o, final PrintStream out)
    {
        final RequestOptions r = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(o.url + "/stats")
            .setConnectTimeout(5_000).setIdleTimeout(5_000);
        if (o.apiKey != null)
        {
            r.putHeader(o.apiKeyHeader, "authorization".equalsIgnoreCase(o.apiKeyHeader) ? "Bearer " + o.apiKey : o.apiKey);
        }
        try
        {
            final io.vertx.core.buffer.Buffer body = http.request(r).compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body() : io.vertx.core.Future.succeededFuture(null))
                .await(10, TimeUnit.SECONDS);
            if (body == null)
            {
                return;
            }
            final long events = new io.vertx.core.json.JsonObject(body).getLong("journalPosition", 0L);
            if (events > 0)
            {
                out.printf(Locale.ROOT, "warning: %s already holds %,d events; this run adds its commands to that journal " +
                    "for good (accounts prefixed '%s', so no existing account is touched). Run against a server with its " +
                    "own --data-dir to keep benchmark commands out of real data.%n", o.url, events, o.accountPrefix);
            }
        }
        catch (final java.util.concurrent.TimeoutException | RuntimeException ex)
        {
            // not a Strand server with /stats (the bare echo server): nothing to warn about
        }
    }

    /** Asks GET /health/ready once; a server without it (or not ready) gets a warning, not a refusal. */
    private static void checkReady(final HttpClientAgent http, final LoadOptions o, final PrintStream out)
    {
        final RequestOptions r = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(o.url + "/health/ready")
            .setConnectTimeout(5_000).setIdleTimeout(5_000);
        try
        {
            final int status = http.request(r).compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .await(10, TimeUnit.SECONDS);
            if (status != 200)
            {
                out.printf(Locale.ROOT, "warning: %s/health/ready answered %d%n", o.url, status);
            }
        }
        catch (final java.util.concurrent.TimeoutException | RuntimeException ex)
        {
            throw new IllegalStateException("cannot reach " + o.url + ": " + ex.getMessage(), ex);
        }
    }
}
