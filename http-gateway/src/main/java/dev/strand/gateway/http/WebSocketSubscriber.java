package dev.strand.gateway.http;

import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket subscriber: the engine's subscription thread offers events, each becomes one text frame. Outbound
 * memory is bounded: at most {@code maxInFlight} frames are written and not yet flushed; past that (or when Vert.x
 * reports its write queue full) {@link #offer} answers false, the engine keeps its place and reads the journal at the
 * subscriber's pace, and the drain (or a flushed write) calls {@link Subscription#wakeUp()}.
 */
final class WebSocketSubscriber implements SubscriptionSink
{
    /** Close code when the engine ends the subscription: reconnect with {@code fromPosition = last + 1}. */
    static final short CLOSE_RESUME = 4008;
    /** Close code when the server shuts down. */
    static final short CLOSE_GOING_AWAY = 1001;
    private static final short CLOSE_TOO_BIG = 1009;
    private static final short CLOSE_INTERNAL_ERROR = 1011;
    private static final int MAX_REASON_BYTES = 123;

    private final ServerWebSocket ws;
    private final Subscribers registry;
    private final AtomicBoolean draining;
    private final int maxInFlight;
    private final int wakeUpBelow;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Handler<AsyncResult<Void>> onWritten = this::onWritten;
    private volatile Subscription subscription;
    private volatile boolean blocked;
    private long pingTimer = -1;

    WebSocketSubscriber(final ServerWebSocket ws, final Subscribers registry, final AtomicBoolean draining, final int maxInFlight)
    {
        this.ws = ws;
        this.registry = registry;
        this.draining = draining;
        this.maxInFlight = maxInFlight;
        this.wakeUpBelow = Math.max(1, maxInFlight / 2);
    }

    /** Wires the socket's handlers; called on the socket's event loop before subscribing. */
    void attach(final io.vertx.core.Vertx vertx, final long pingEveryMs)
    {
        registry.add(this);
        ws.textMessageHandler(ignored -> { });
        ws.binaryMessageHandler(ignored -> { });
        ws.drainHandler(v -> wakeUp());
        ws.exceptionHandler(this::onSocketError);
        ws.closeHandler(v -> onSocketClosed(vertx));
        pingTimer = vertx.setPeriodic(pingEveryMs, id -> ws.writePing(Buffer.buffer()));
    }

    int framesInFlight()
    {
        return inFlight.get();
    }

    void subscribed(final Subscription subscription)
    {
        this.subscription = subscription;
        if (closed.get())
        {
            subscription.close();
        }
    }

    @Override
    public boolean offer(final RecordedEvent event)
    {
        if (closed.get())
        {
            return false;
        }
        if (inFlight.get() >= maxInFlight || ws.writeQueueFull())
        {
            blocked = true;
            return false;
        }
        final String frame = EventJsonWriter.event(event);
        inFlight.incrementAndGet();
        ws.writeTextMessage(frame).onComplete(onWritten);
        return true;
    }

    private void onWritten(final AsyncResult<Void> ignored)
    {
        if (inFlight.decrementAndGet() < wakeUpBelow && blocked)
        {
            wakeUp();
        }
    }

    private void wakeUp()
    {
        blocked = false;
        final Subscription s = subscription;
        if (s != null)
        {
            s.wakeUp();
        }
    }

    @Override
    public void onClose(final long lastDelivered, final String reason)
    {
        if (closed.compareAndSet(false, true))
        {
            registry.remove(this);
            final short code = draining.get() ? CLOSE_GOING_AWAY : CLOSE_RESUME;
            ws.close(code, reason(lastDelivered, reason));
        }
    }

    void closeForShutdown()
    {
        if (closed.compareAndSet(false, true))
        {
            registry.remove(this);
            final Subscription s = subscription;
            long last = 0;
            if (s != null)
            {
                last = s.lastDeliveredPosition();
                s.close();
            }
            ws.close(CLOSE_GOING_AWAY, reason(last, "server shutting down"));
        }
    }

    /** An oversized or broken inbound frame: close with the protocol's status (1009 too big, 1002 protocol error). */
    private void onSocketError(final Throwable ex)
    {
        if (ex instanceof CorruptedWebSocketFrameException corrupted)
        {
            ws.close((short)corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
        }
        else if (ex instanceof IllegalStateException && String.valueOf(ex.getMessage()).contains("max message size"))
        {
            // how Vert.x 5 reports an inbound message over --ws-max-message-size
            ws.close(CLOSE_TOO_BIG, "message too big");
        }
        else
        {
            ws.close(CLOSE_INTERNAL_ERROR, "connection error");
        }
    }

    private void onSocketClosed(final io.vertx.core.Vertx vertx)
    {
        if (pingTimer >= 0)
        {
            vertx.cancelTimer(pingTimer);
        }
        closed.set(true);
        registry.remove(this);
        final Subscription s = subscription;
        if (s != null)
        {
            s.close();
        }
    }

    /** {@code lastPosition=N; why}, cut to the 123 bytes a close frame allows. */
    static String reason(final long lastDelivered, final String why)
    {
        final String full = "lastPosition=" + lastDelivered + "; " + (why == null ? "" : why);
        final byte[] bytes = full.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES)
        {
            return full;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
