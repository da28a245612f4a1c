package dev.strand.gateway.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection limits of one HTTP verticle (confined to its event loop): the shared maximum number of connections, and
 * a sweep, once a second, that closes
 * <ul>
 * <li>a connection with no request in progress for {@code idleTimeout}, even if it trickles header bytes (the
 * slowloris case, which a byte-level idle timeout misses);</li>
 * <li>a request unanswered {@code requestTimeout} after it began is answered 503 {@code REQUEST_TIMEOUT} (with
 * {@code Connection: close}); one still unanswered, or still sending its body, a grace second later has its
 * connection closed.</li>
 * </ul>
 * One sweep per second replaces a timer per request, which would cost on every request of the hot path.
 * Upgraded (WebSocket) connections are exempt: they are kept alive by pings and closed by the subscriber logic.
 */
final class ConnectionGuard
{
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicInteger connections;
    private final int maxConnections;
    private final long idleTimeoutNanos;
    private final long requestTimeoutNanos;
    private final Map<HttpConnection, State> states = new IdentityHashMap<>();

    private static final class State
    {
        long idleSince;
        long requestStart;
        HttpServerRequest current;
        boolean upgraded;

        State(final long now)
        {
            idleSince = now;
        }
    }

    ConnectionGuard(final AtomicInteger connections, final int maxConnections, final long idleTimeoutMs, final long requestTimeoutMs)
    {
        this.connections = connections;
        this.maxConnections = maxConnections;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        this.requestTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
    }

    void connected(final HttpConnection connection)
    {
        if (connections.incrementAndGet() > maxConnections)
        {
            connections.decrementAndGet();
            connection.close();
            return;
        }
        states.put(connection, new State(System.nanoTime()));
        connection.closeHandler(v ->
        {
            if (states.remove(connection) != null)
            {
                connections.decrementAndGet();
            }
        });
    }

    void requestStarted(final HttpServerRequest request)
    {
        final State state = states.get(request.connection());
        if (state != null)
        {
            state.current = request;
            state.requestStart = System.nanoTime();
        }
    }

    void upgraded(final HttpConnection connection)
    {
        final State state = states.get(connection);
        if (state != null)
        {
            state.upgraded = true;
            state.current = null;
        }
    }

    /** Called once a second on the verticle's event loop. */
    void sweep()
    {
        final long now = System.nanoTime();
        final List<HttpConnection> toClose = new ArrayList<>();
        for (final Map.Entry<HttpConnection, State> entry : states.entrySet())
        {
            final State s = entry.getValue();
            if (s.upgraded)
            {
                continue;
            }
            final HttpServerRequest request = s.current;
            if (request != null)
            {
                final boolean answered = request.response().ended();
                if (answered && request.isEnded())
                {
                    s.current = null;
                    s.idleSince = now;
                }
                else if (now - s.requestStart > requestTimeoutNanos + GRACE_NANOS)
                {
                    toClose.add(entry.getKey());
                }
                else if (!answered && now - s.requestStart > requestTimeoutNanos && !request.response().headWritten())
                {
                    request.response().putHeader("Connection", "close");
                    Responses.problem(request.response(), Problem.of(503, Problem.REQUEST_TIMEOUT,
                        "the request was not answered in time; a command's outcome is unknown: retry it with the same commandId"));
                }
            }
            else if (now - s.idleSince > idleTimeoutNanos)
            {
                toClose.add(entry.getKey());
            }
        }
        for (final HttpConnection connection : toClose)
        {
            connection.close();
        }
    }
}
