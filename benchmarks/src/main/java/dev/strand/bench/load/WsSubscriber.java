package dev.strand.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.agrona.collections.LongArrayQueue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One WebSocket subscriber to {@code GET /subscribe} (live, no filter): checks that positions arrive in order without
 * gaps or duplicates, and records each event's lag from the moment its command's acknowledgement reached this client
 * to the moment the event reached this subscriber. An event that arrives before its acknowledgement counts in
 * {@link #beforeAck} and records a lag of 0. A close with code 4008 (too slow) reconnects from the next position.
 * All handlers run on the subscriber's own event-loop context.
 */
final class WsSubscriber
{
    /** Close code the server uses for a subscriber that fell too far behind. */
    static final short CLOSE_TOO_SLOW = 4008;
    /** How often unmatched early arrivals are checked against the ack table. */
    static final long RESOLVE_PERIOD_MILLIS = 10;
    /** An arrival whose ack has not come after this long is counted unmatched (not one of ours). */
    static final long UNMATCHED_AFTER_NANOS = 5_000_000_000L;
    /** Early arrivals kept waiting for their ack at most. */
    static final int MAX_PENDING = 1 << 20;

    private final int id;
    private final Vertx vertx;
    private final WebSocketClient client;
    private final LoadOptions options;
    private final AckTable acks;
    private final LatencySeries lag;
    private final AtomicLong measureStartNanos;
    private final LongArrayQueue pendingPositions = new LongArrayQueue(1024, 0);
    private final LongArrayQueue pendingArrivals = new LongArrayQueue(1024, 0);

    final LongAdder received = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder beforeAck = new LongAdder();
    final LongAdder unmatched = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder closedSlow = new LongAdder();
    final LongAdder closedOther = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    private final AtomicLong lastPosition = new AtomicLong();
    private volatile boolean stopping;
    private volatile WebSocket socket;
    private long timerId = -1;

    WsSubscriber(
        final int id, final Vertx vertx, final WebSocketClient client, final LoadOptions options, final AckTable acks,
        final LatencySeries lag, final AtomicLong measureStartNanos)
    {
        this.id = id;
        this.vertx = vertx;
        this.client = client;
        this.options = options;
        this.acks = acks;
        this.lag = lag;
        this.measureStartNanos = measureStartNanos;
    }

    long lastPosition()
    {
        return lastPosition.get();
    }

    /** Connects live (from the next event); completes when the upgrade is done. */
    Future<Void> start()
    {
        return connect(0);
    }

    private Future<Void> connect(final long fromPosition)
    {
        final WebSocketConnectOptions o = new WebSocketConnectOptions()
            .setAbsoluteURI(wsUrl(options) + "/subscribe" + (fromPosition > 0 ? "?fromPosition=" + fromPosition : ""))
            .setConnectTimeout(Math.max(1, Math.round(options.timeoutSeconds * 1000)))
            // a non-browser client: no Origin header (a server that checks Origin refuses unknown ones)
            .setAllowOriginHeader(false);
        if (options.apiKey != null)
        {
            o.putHeader(options.apiKeyHeader,
                "authorization".equalsIgnoreCase(options.apiKeyHeader) ? "Bearer " + options.apiKey : options.apiKey);
        }
        return client.connect(o).map(ws ->
        {
            socket = ws;
            ws.textMessageHandler(this::onFrame);
            ws.closeHandler(v -> onClose(ws));
            if (timerId < 0)
            {
                timerId = vertx.setPeriodic(RESOLVE_PERIOD_MILLIS, t -> resolvePending(System.nanoTime()));
            }
            return null;
        });
    }

    static String wsUrl(final LoadOptions options)
    {
        final String base = options.url.toString();
        return base.startsWith("https") ? "wss" + base.substring(5) : "ws" + base.substring(4);
    }

    private void onFrame(final String text)
    {
        final long now = System.nanoTime();
        final long position = parsePosition(text);
        if (position <= 0)
        {
            malformed.increment();
            return;
        }
        received.increment();
        final long last = lastPosition.get();
        if (position <= last)
        {
            duplicates.increment();
            return;
        }
        if (last > 0 && position != last + 1)
        {
            gaps.add(position - last - 1);
        }
        lastPosition.set(position);
        final long ack = acks.ackNanos(position);
        if (ack != 0)
        {
            lag.record(Math.max(0, now - ack) / 1_000, now < measureStartNanos.get());
        }
        else if (pendingPositions.size() < MAX_PENDING)
        {
            pendingPositions.addLong(position);
            pendingArrivals.addLong(now);
        }
        else
        {
            unmatched.increment();
        }
    }

    /** Early arrivals whose ack has come since: lag 0 (the subscriber was ahead of the client's reply). */
    void resolvePending(final long now)
    {
        int n = pendingPositions.size();
        while (n-- > 0)
        {
            final long position = pendingPositions.pollLong();
            final long arrived = pendingArrivals.pollLong();
            if (acks.ackNanos(position) != 0)
            {
                beforeAck.increment();
                lag.record(0, arrived < measureStartNanos.get());
            }
            else if (now - arrived > UNMATCHED_AFTER_NANOS)
            {
                unmatched.increment();
            }
            else
            {
                pendingPositions.addLong(position);
                pendingArrivals.addLong(arrived);
            }
        }
    }

    private void onClose(final WebSocket ws)
    {
        if (stopping)
        {
            return;
        }
        final Short code = ws.closeStatusCode();
        if (code != null && code == CLOSE_TOO_SLOW)
        {
            closedSlow.increment();
        }
        else
        {
            closedOther.increment();
        }
        reconnects.increment();
        connect(lastPosition.get() + 1).onFailure(err -> closedOther.increment());
    }

    /** Closes the socket; no reconnect. */
    Future<Void> stop()
    {
        stopping = true;
        if (timerId >= 0)
        {
            vertx.cancelTimer(timerId);
        }
        final WebSocket ws = socket;
        return ws == null ? Future.succeededFuture() : ws.close();
    }

    int id()
    {
        return id;
    }

    /** The top-level {@code "position":N} of an event frame, or -1. */
    static long parsePosition(final String json)
    {
        final int key = json.indexOf("\"position\"");
        if (key < 0)
        {
            return -1;
        }
        int i = key + 10;
        final int n = json.length();
        while (i < n && (json.charAt(i) == ' ' || json.charAt(i) == ':'))
        {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < n && Character.isDigit(json.charAt(i)) && digits < 19)
        {
            value = value * 10 + (json.charAt(i++) - '0');
            digits++;
        }
        return digits == 0 ? -1 : value;
    }
}
