package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** A small blocking HTTP/1.1 client for one server (JDK client; every call has a timeout). */
final class Http
{
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private final int port;
    private final String[] headers;

    Http(final int port, final String... headers)
    {
        this.port = port;
        this.headers = headers;
    }

    /** The same server, with extra headers on every request (e.g. an API key). */
    Http with(final String... extra)
    {
        final String[] all = new String[headers.length + extra.length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        System.arraycopy(extra, 0, all, headers.length, extra.length);
        return new Http(port, all);
    }

    int port()
    {
        return port;
    }

    URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** An answer: status, the headers we look at, the body as text. */
    record Response(int statusCode, String contentType, String retryAfter, String replayed, String body)
    {
        JsonObject json()
        {
            return new JsonObject(body);
        }

        boolean isProblem()
        {
            return contentType != null && contentType.startsWith("application/problem+json");
        }

        String code()
        {
            return isProblem() ? json().getString("code") : null;
        }

        @Override
        public String toString()
        {
            return statusCode + " " + contentType + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    Response get(final String path)
    {
        return send(request(path).GET().build());
    }

    Response post(final String path, final String contentType, final String body)
    {
        final HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null)
        {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    Response post(final String path, final JsonObject body)
    {
        return post(path, "application/json", body.encode());
    }

    Response command(final JsonObject envelope)
    {
        return post("/commands", envelope);
    }

    CompletableFuture<Response> commandAsync(final JsonObject envelope)
    {
        final HttpRequest r = request("/commands").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(envelope.encode())).build();
        return CLIENT.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(Http::response);
    }

    CompletableFuture<Response> sendAsync(final HttpRequest request)
    {
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Http::response);
    }

    /** Sends an atomic or plain batch. */
    Response batch(final boolean atomic, final JsonArray commands)
    {
        return post("/commands/batch", new JsonObject().put("atomic", atomic).put("commands", commands));
    }

    HttpRequest.Builder request(final String path)
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
        for (int i = 0; i + 1 < headers.length; i += 2)
        {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    Response send(final HttpRequest request)
    {
        try
        {
            return response(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static Response response(final HttpResponse<String> r)
    {
        return new Response(r.statusCode(),
            r.headers().firstValue("Content-Type").orElse(null),
            r.headers().firstValue("Retry-After").orElse(null),
            r.headers().firstValue("Idempotent-Replayed").orElse(null),
            r.body());
    }

    /** The global position of the journal's last event, from /metrics (no event page read). */
    long journalPosition()
    {
        return (long)Metrics.parse(get("/metrics").body()).value("strand_journal_position");
    }

    static JsonObject envelope(final String type, final String aggregateId, final JsonObject data)
    {
        return new JsonObject()
            .put("commandId", UUID.randomUUID().toString())
            .put("type", type)
            .put("aggregateId", aggregateId)
            .put("data", data);
    }

    static JsonObject open(final String account)
    {
        return envelope("OpenAccount", account, new JsonObject().put("owner", "fault-tests"));
    }

    static JsonObject deposit(final String account, final long amount)
    {
        return envelope("Deposit", account, new JsonObject().put("amount", amount));
    }

    static JsonObject transfer(final String from, final String to, final long amount)
    {
        return envelope("Transfer", from, new JsonObject().put("to", to).put("amount", amount));
    }
}
