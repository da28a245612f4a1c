package dev.strand.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.awaitility.Awaitility;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real gateway on a random loopback port with its data in a temporary directory, and a blocking client for the
 * tests (every call has a timeout). Close it to stop both.
 */
public final class TestServer implements AutoCloseable
{
    public static final long TIMEOUT_SECONDS = 15;

    private final Gateway gateway;
    private final Vertx clientVertx;
    private final WebClient client;

    private TestServer(final Gateway gateway)
    {
        this.gateway = gateway;
        this.clientVertx = Vertx.vertx();
        this.client = WebClient.create(clientVertx, new WebClientOptions()
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(gateway.port()));
    }

    public static TestServer start(final Path dataDir)
    {
        return start(dataDir, Map.of());
    }

    public static TestServer start(final Path dataDir, final Map<String, String> overrides)
    {
        final Map<String, String> settings = new HashMap<>();
        settings.put("port", "0");
        settings.put("data-dir", dataDir.toString());
        settings.put("min-free-bytes", "0");
        settings.put("event-loops", "2");
        settings.put("backup-dir", dataDir.resolve("backups").toString());
        settings.putAll(overrides);
        return new TestServer(Gateway.start(GatewayConfig.of(settings)));
    }

    public Gateway gateway()
    {
        return gateway;
    }

    public int port()
    {
        return gateway.port();
    }

    public Vertx clientVertx()
    {
        return clientVertx;
    }

    public WebClient client()
    {
        return client;
    }

    public HttpResponse<Buffer> get(final String uri)
    {
        return await(client.get(uri).send());
    }

    public HttpResponse<Buffer> get(final String uri, final MultiMap headers)
    {
        return await(client.get(uri).putHeaders(headers).send());
    }

    public HttpResponse<Buffer> post(final String uri, final JsonObject body)
    {
        return await(client.post(uri).putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()));
    }

    public HttpResponse<Buffer> post(final String uri, final String contentType, final Buffer body)
    {
        return await(client.request(HttpMethod.POST, uri).putHeader("Content-Type", contentType).sendBuffer(body));
    }

    public HttpResponse<Buffer> post(final String uri, final JsonObject body, final MultiMap headers)
    {
        return await(client.post(uri).putHeaders(headers).putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()));
    }

    /** Posts one command envelope. */
    public HttpResponse<Buffer> command(final String type, final String aggregateId, final JsonObject data)
    {
        return post("/commands", envelope(type, aggregateId, data));
    }

    public static JsonObject envelope(final String type, final String aggregateId, final JsonObject data)
    {
        return new JsonObject()
            .put("commandId", UUID.randomUUID().toString())
            .put("type", type)
            .put("aggregateId", aggregateId)
            .put("data", data);
    }

    /** Opens an account and asserts it was accepted. */
    public void open(final String id)
    {
        expectOk(command("OpenAccount", id, new JsonObject().put("owner", "owner of " + id).put("currency", "EUR")));
    }

    public long deposit(final String id, final long amount)
    {
        return expectOk(command("Deposit", id, new JsonObject().put("amount", amount))).getLong("position");
    }

    public static JsonObject expectOk(final HttpResponse<Buffer> response)
    {
        if (response.statusCode() != 200)
        {
            throw new AssertionError("expected 200, got " + response.statusCode() + ": " + response.bodyAsString());
        }
        return response.bodyAsJsonObject();
    }

    /** The body of a 200 answer as text. */
    public static String expectOk200Text(final HttpResponse<Buffer> response)
    {
        if (response.statusCode() != 200)
        {
            throw new AssertionError("expected 200, got " + response.statusCode() + ": " + response.bodyAsString());
        }
        return response.bodyAsString();
    }

    public static <T> T await(final Future<T> future)
    {
        try
        {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("request did not complete: " + ex, ex);
        }
    }

    /** Awaitility, polling {@code condition} every 10 ms until it holds, failing after {@code seconds}. */
    public static void waitUntil(final String what, final long seconds, final BooleanSupplier condition)
    {
        Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
    }

    @Override
    public void close()
    {
        try
        {
            client.close();
            await(clientVertx.close());
        }
        finally
        {
            gateway.close();
        }
    }
}
