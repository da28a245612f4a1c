package dev.strand.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
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

    /** Handlers are set before connecting, so no frame that arrives with the handshake is lost. */
    private WsClient(final WebSocketClient client, final WebSocketConnectOptions options)
    {
        this.client = client;
        final ClientWebSocket socket = client.webSocket();
        socket.textMessageHandler(text -> events.add(new JsonObject(text)));
        socket.closeHandler(v ->
        {
            closeReason = socket.closeReason();
            closeStatus = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode();
        });
        this.ws = TestServer.await(socket.connect(options));
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
        else
        {
            options.setAllowOriginHeader(false);
        }
        if (apiKey != null)
        {
            options.addHeader("Authorization", "Bearer " + apiKey);
        }
        try
        {
            return new WsClient(client, options);
        }
        catch (final AssertionError ex)
        {
            client.close();
            throw ex;
        }
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
