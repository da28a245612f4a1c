package dev.strand.fault;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A well-behaved subscriber (JDK WebSocket client): reads every frame as it comes and keeps the positions. */
final class WsSubscriber implements WebSocket.Listener, AutoCloseable
{
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Long> positions = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;
    volatile int closeCode = -1;
    volatile String closeReason;

    static WsSubscriber connect(final int port, final String pathAndQuery)
    {
        final WsSubscriber s = new WsSubscriber();
        try
        {
            s.ws = CLIENT.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), s)
                .get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("WebSocket " + pathAndQuery + " did not open", ex);
        }
        return s;
    }

    @Override
    public void onOpen(final WebSocket webSocket)
    {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        partial.append(data);
        if (last)
        {
            final long position = new JsonObject(partial.toString()).getLong("position");
            partial.setLength(0);
            synchronized (positions)
            {
                positions.add(position);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closeReason = reason;
        closeCode = statusCode;
        return null;
    }

    int count()
    {
        synchronized (positions)
        {
            return positions.size();
        }
    }

    long last()
    {
        synchronized (positions)
        {
            return positions.isEmpty() ? 0 : positions.get(positions.size() - 1);
        }
    }

    /** Positions strictly consecutive from {@code first}: in order, no gap, no duplicate. */
    void assertConsecutiveFrom(final long first)
    {
        synchronized (positions)
        {
            for (int i = 0; i < positions.size(); i++)
            {
                if (positions.get(i) != first + i)
                {
                    throw new AssertionError("subscriber got position " + positions.get(i) + " at index " + i +
                        ", expected " + (first + i));
                }
            }
        }
    }

    @Override
    public void close()
    {
        if (ws != null)
        {
            ws.abort();
        }
    }
}
