package dev.strand.bench.load;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends scheduled requests with Vert.x's HTTP client and classifies each outcome: latency from the intended send time
 * for answers (2xx, 409, 422), counters for everything else. Called on the client's event loops.
 */
final class HttpDriver
{
    private final HttpClient client;
    private final RequestOptions requestOptions;
    private final boolean batch;
    private final LatencySeries latency;
    private final LatencySeries sendLag;
    private final RunCounters warm;
    private final RunCounters measured;
    private final AckTable acks;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong highestAcked = new AtomicLong();

    /** One scheduled request. */
    static final class Send
    {
        final long intendedNanos;
        final Buffer body;
        final boolean warm;

        Send(final long intendedNanos, final Buffer body, final boolean warm)
        {
            this.intendedNanos = intendedNanos;
            this.body = body;
            this.warm = warm;
        }
    }

    /** A response read to its end. */
    private record Answer(int status, Buffer body)
    {
    }

    HttpDriver(
        final HttpClient client,
        final LoadOptions options,
        final LatencySeries latency,
        final LatencySeries sendLag,
        final RunCounters warm,
        final RunCounters measured,
        final AckTable acks)
    {
        this.client = client;
        this.batch = options.batch > 1;
        this.requestOptions = requestOptions(options, batch ? "/commands/batch" : "/commands");
        this.latency = latency;
        this.sendLag = sendLag;
        this.warm = warm;
        this.measured = measured;
        this.acks = acks;
    }

    static RequestOptions requestOptions(final LoadOptions options, final String path)
    {
        final long timeoutMillis = Math.max(1, Math.round(options.timeoutSeconds * 1000));
        final RequestOptions r = new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(options.url + path)
            .putHeader("content-type", "application/json")
            .putHeader("accept", "application/json")
            .setConnectTimeout(timeoutMillis)
            .setIdleTimeout(timeoutMillis);
        if (options.apiKey != null)
        {
            r.putHeader(options.apiKeyHeader,
                "authorization".equalsIgnoreCase(options.apiKeyHeader) ? "Bearer " + options.apiKey : options.apiKey);
        }
        return r;
    }

    int inFlight()
    {
        return inFlight.get();
    }

    long highestAcked()
    {
        return highestAcked.get();
    }

    /** Reserves a slot for a send; false (and counted) when the client backlog is full. Scheduler thread. */
    boolean reserve(final boolean isWarm, final int maxInFlight)
    {
        final RunCounters c = isWarm ? warm : measured;
        c.sent.increment();
        if (inFlight.incrementAndGet() > maxInFlight)
        {
            inFlight.decrementAndGet();
            c.backlogDropped.increment();
            return false;
        }
        return true;
    }

    /** Sends one reserved request; on an event loop. */
    void send(final Send s)
    {
        sendLag.record((System.nanoTime() - s.intendedNanos) / 1_000, s.warm);
        client.request(requestOptions)
            .compose(req -> req.send(s.body))
            .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(), body)))
            .onComplete(ar -> complete(s, ar));
    }

    private void complete(final Send s, final AsyncResult<Answer> ar)
    {
        final long now = System.nanoTime();
        inFlight.decrementAndGet();
        final RunCounters c = s.warm ? warm : measured;
        if (ar.failed())
        {
            classifyFailure(c, ar.cause());
            return;
        }
        final int status = ar.result().status();
        if (status >= 200 && status < 300)
        {
            latency.record((now - s.intendedNanos) / 1_000, s.warm);
            c.ok.increment();
            accountAccepted(c, ar.result().body(), now);
        }
        else if (status == 409 || status == 422)
        {
            latency.record((now - s.intendedNanos) / 1_000, s.warm);
            c.rejected.increment();
            c.commandsRejected.increment();
        }
        else if (status == 503)
        {
            c.overloaded.increment();
        }
        else
        {
            c.countStatus(status);
        }
    }

    private void accountAccepted(final RunCounters c, final Buffer body, final long now)
    {
        if (!batch && acks == null)
        {
            c.commandsAccepted.increment();
            return;
        }
        try
        {
            final JsonObject json = new JsonObject(body);
            if (!batch)
            {
                c.commandsAccepted.increment();
                ack(json, now);
                return;
            }
            final JsonArray results = json.getJsonArray("results");
            for (int i = 0; results != null && i < results.size(); i++)
            {
                final JsonObject r = results.getJsonObject(i);
                if ("accepted".equals(r.getString("status")))
                {
                    c.commandsAccepted.increment();
                    ack(r, now);
                }
                else
                {
                    c.commandsRejected.increment();
                }
            }
        }
        catch (final DecodeException | ClassCastException ex)
        {
            c.otherFailures.increment();
        }
    }

    private void ack(final JsonObject result, final long now)
    {
        if (acks == null)
        {
            return;
        }
        final Long position = result.getLong("position");
        if (position == null || position <= 0)
        {
            return;
        }
        final JsonArray events = result.getJsonArray("events");
        final int count = events == null ? 1 : events.size();
        if (count > 0)
        {
            acks.acked(position, count, now);
            highestAcked.accumulateAndGet(position, Math::max);
        }
    }

    static void classifyFailure(final RunCounters c, final Throwable cause)
    {
        if (isTimeout(cause))
        {
            c.timeouts.increment();
        }
        else if (cause instanceof ConnectException || cause instanceof ClosedChannelException ||
            cause instanceof java.io.IOException || String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connection"))
        {
            c.connectionFailures.increment();
        }
        else
        {
            c.otherFailures.increment();
        }
    }

    static boolean isTimeout(final Throwable cause)
    {
        return cause instanceof TimeoutException ||
            cause.getClass().getSimpleName().contains("Timeout") ||
            String.valueOf(cause.getMessage()).contains("timeout period");
    }

    /** A closed-loop helper for setup: one request, the answer read to its end. */
    static Future<JsonObject> postJson(final HttpClient client, final RequestOptions options, final String body)
    {
        return client.request(options)
            .compose(req -> req.send(Buffer.buffer(body)))
            .compose(resp -> resp.body().map(b ->
            {
                final JsonObject answer = b.length() == 0 ? new JsonObject() : new JsonObject(b);
                answer.put("__status", resp.statusCode());
                return answer;
            }));
    }
}
