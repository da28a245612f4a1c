package dev.strand.bench.load;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Opens the K accounts of the mix before the run (OpenAccount, then a funding Deposit large enough that withdrawals
 * and transfers never fail), in non-atomic batches, a few in flight. An account that already exists is reused.
 */
final class AccountSetup
{
    /** Accounts per batch request (two commands each). */
    static final int ACCOUNTS_PER_BATCH = 100;
    /** Batches in flight. */
    static final int CONCURRENCY = 4;

    private AccountSetup()
    {
    }

    static void openAccounts(final HttpClient http, final LoadOptions o, final PrintStream out)
    {
        final long started = System.nanoTime();
        final RequestOptions request = HttpDriver.requestOptions(o, "/commands/batch");
        final Deque<Future<JsonObject>> inFlight = new ArrayDeque<>();
        int opened = 0;
        int existed = 0;
        for (int first = 0; first < o.accounts; first += ACCOUNTS_PER_BATCH)
        {
            if (inFlight.size() >= CONCURRENCY)
            {
                final int[] r = check(await(inFlight.poll(), o));
                opened += r[0];
                existed += r[1];
            }
            inFlight.add(HttpDriver.postJson(http, request, batchBody(o, first, Math.min(o.accounts, first + ACCOUNTS_PER_BATCH))));
        }
        while (!inFlight.isEmpty())
        {
            final int[] r = check(await(inFlight.poll(), o));
            opened += r[0];
            existed += r[1];
        }
        out.printf(Locale.ROOT, "setup: %,d accounts with prefix '%s' ready (%,d opened, %,d existed) in %.1fs%n",
            o.accounts, o.accountPrefix, opened, existed, (System.nanoTime() - started) / 1e9);
    }

    static String batchBody(final LoadOptions o, final int from, final int to)
    {
        final StringBuilder sb = new StringBuilder(64 + (to - from) * 200);
        sb.append("{\"atomic\":false,\"commands\":[");
        for (int i = from; i < to; i++)
        {
            if (i > from)
            {
                sb.append(',');
            }
            final String id = CommandMix.accountId(o.accountPrefix, i);
            sb.append("{\"type\":\"OpenAccount\",\"aggregateId\":\"").append(id)
                .append("\",\"data\":{\"owner\":\"bench\",\"currency\":\"EUR\"}},");
            CommandMix.appendAmount(sb, "Deposit", id, o.funding);
        }
        return sb.append("]}").toString();
    }

    private static JsonObject await(final Future<JsonObject> f, final LoadOptions o)
    {
        try
        {
            return f.await(Math.round(o.timeoutSeconds * 1000) + 5_000, TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new IllegalStateException("account setup timed out against " + o.url, ex);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("account setup failed against " + o.url + ": " + ex.getMessage(), ex);
        }
    }

    /** {opened, existed}; throws on anything else. */
    static int[] check(final JsonObject answer)
    {
        final int status = answer.getInteger("__status", 0);
        if (status != 200)
        {
            answer.remove("__status");
            throw new IllegalStateException("account setup batch answered " + status + ": " + answer.encode());
        }
        final JsonArray results = answer.getJsonArray("results");
        if (results == null)
        {
            throw new IllegalStateException("account setup batch answered without results: " + answer.encode());
        }
        int opened = 0;
        int existed = 0;
        for (int i = 0; i < results.size(); i += 2)
        {
            final JsonObject open = results.getJsonObject(i);
            if ("accepted".equals(open.getString("status")))
            {
                opened++;
            }
            else if ("AGGREGATE_EXISTS".equals(open.getString("code")))
            {
                existed++;
            }
            else
            {
                throw new IllegalStateException("OpenAccount was rejected: " + open.encode());
            }
            final JsonObject fund = i + 1 < results.size() ? results.getJsonObject(i + 1) : null;
            if (fund == null || !"accepted".equals(fund.getString("status")))
            {
                throw new IllegalStateException("funding Deposit was rejected: " + (fund == null ? "missing" : fund.encode()));
            }
        }
        return new int[] {opened, existed};
    }
}
