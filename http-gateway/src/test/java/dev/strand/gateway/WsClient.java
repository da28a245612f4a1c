package dev.strand.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test WebSocket subscriber: collects every event frame, remembers how the server closed it. */
final class WsClient implements AutoCloseable
{
    final List<JsonObject> events = new CopyOnWriteArrayList<>();
    volatile Short closeStatus;
    volatile String closeReason;
    private final WebSocketClient client;
    private final WebSocket ws;

    private WsClient(final WebSocketClient client, final WebSocket ws)
    {
        this.client = client;
        this.ws = ws;
        ws.textMessageHandler(text -> events.add(new JsonObject(text)));
        ws.closeHandler(v ->
        {
            closeReason = ws.closeReason();
            closeStatus = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode();
        });
    }

    static WsClient connect(final Vertx vertx, final int port, final String uri)
    {
        return connect(vertx, port, uri, null, null);
    }

    static WsClient connect(final Vertx vertx, final int port, final String uri, final String origin, final String apiKey)
    {
        final WebSocketClient client = vertx.createWebSocketClient();
        final WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
        if (origin != null)
        {
            options.addHeader("Origin", origin);
        }
        if (apiKey != null)
        {
            options.addHeader("Authorization", "Bearer " + apiKey);
        }
        final WebSocket ws = TestServer.await(client.connect(options));
        return new WsClient(client, ws);
    }

    /** Connects expecting a refusal; returns the rejected upgrade (status and problem body). */
    static UpgradeRejectedException refused(final Vertx vertx, final int port, final String uri, final String origin, final String apiKey)
    {
        try (WsClient unexpected = connect(vertx, port, uri, origin, apiKey))
        {
            throw new AssertionError("the upgrade of " + uri + " was accepted");
        }
        catch (final AssertionError ex)
        {
            Throwable cause = ex.getCause();
            while (cause != null && !(cause instanceof UpgradeRejectedException))
            {
                cause = cause.getCause();
            }
            if (cause == null)
            {
                throw ex;
            }
            return (UpgradeRejectedException)cause;
        }
    }

    WebSocket socket()
    {
        return ws;
    }

    List<Long> positions()
    {
        final List<Long> positions = new ArrayList<>();
        for (final JsonObject e : events)
        {
            positions.add(e.getLong("position"));
        }
        return positions;
    }

    long lastPosition()
    {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).getLong("position");
    }

    @Override
    public void close()
    {
        try
        {
            if (closeStatus == null)
            {
                TestServer.await(ws.close());
            }
        }
        catch (final AssertionError ignored)
        {
            // already closed by the server
        }
        TestServer.await(client.close());
    }
}
