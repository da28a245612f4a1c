package dev.strand.gateway.http;

import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket subscriber. The engine's {@code subscriptions} thread offers events; each becomes the frame bytes
 * {@link EventFrames} encoded once for all subscribers, queued here without copying or allocating. The socket's own
 * event loop then writes every queued frame as one run: copied into one pooled buffer, one write, one flush, so a
 * burst of events costs each socket one event-loop task and one system call instead of one per frame.
 *
 * <p>The frames enter the channel's pipeline just below its WebSocket frame encoder (they are complete, unmasked
 * server frames): Vert.x's own write path would allocate a frame, a promise and a queue node per frame and flush
 * each one written from its event loop. Control frames (ping, close) still go through Vert.x;
 * a close is handed to the event loop after the runs already queued, so it follows the last frame it reports.
 *
 * <p>Outbound memory is bounded: at most {@code maxInFlight} frames are queued or written and not yet on the wire;
 * past that {@link #offer} answers false, the engine keeps its place and reads the journal at this subscriber's pace,
 * and a completed write that brings the count below half calls {@link Subscription#wakeUp()}. Only this subscriber
 * waits: the others, and the writer, never do.
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
    /** The pipeline's WebSocket frame encoder: runs are written from it, so they pass no handler above it. */
    private final ChannelHandlerContext channel;
    private final Subscribers registry;
    private final EventFrames frames;
    private final AtomicBoolean draining;
    private final int maxInFlight;
    private final int wakeUpBelow;
    /** Frames queued by the subscriptions thread, taken by the event loop: single producer, single consumer. */
    private final byte[][] queue;
    private final int queueMask;
    private final AtomicLong queued = new AtomicLong();
    /** Frames the event loop has taken from {@link #queue}; read and written only on the event loop. */
    private long taken;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean runScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable writeRun = this::writeRun;
    private volatile Subscription subscription;
    private volatile boolean blocked;
    /** The socket closed: queued frames are dropped. Event loop only. */
    private boolean socketClosed;
    private long pingTimer = -1;

    /**
     * Called on the socket's event loop once the upgrade is done.
     *
     * @param socket the upgraded connection's channel
     */
    WebSocketSubscriber(
        final ServerWebSocket ws,
        final Channel socket,
        final Subscribers registry,
        final AtomicBoolean draining,
        final int maxInFlight)
    {
        this.ws = ws;
        this.channel = socket.pipeline().context(WebSocketFrameEncoder.class);
        if (channel == null)
        {
            throw new IllegalStateException("the upgraded channel has no WebSocket frame encoder: " + socket.pipeline().names());
        }
        this.registry = registry;
        this.frames = registry.frames();
        this.draining = draining;
        this.maxInFlight = maxInFlight;
        this.wakeUpBelow = Math.max(1, maxInFlight / 2);
        final int capacity = Integer.highestOneBit(Math.max(1, maxInFlight - 1)) << 1;
        this.queue = new byte[capacity][];
        this.queueMask = capacity - 1;
    }

    /** Wires the socket's handlers; called on the socket's event loop before subscribing. */
    void attach(final io.vertx.core.Vertx vertx, final long pingEveryMs)
    {
        registry.add(this);
        ws.textMessageHandler(ignored -> { });
        ws.binaryMessageHandler(ignored -> { });
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

    /** On the subscriptions thread: queues the event's shared frame and, when no run is pending, schedules one. */
    @Override
    public boolean offer(final RecordedEvent event)
    {
        if (closed.get())
        {
            return false;
        }
        if (inFlight.get() >= maxInFlight)
        {
            blocked = true;
            // a write that completed before the flag was set saw no one to wake: look again
            if (inFlight.get() >= maxInFlight)
            {
                return false;
            }
            blocked = false;
        }
        final byte[] frame = frames.frame(event);
        inFlight.incrementAndGet();
        final long n = queued.get();
        queue[(int)(n & queueMask)] = frame;
        queued.set(n + 1);
        if (!runScheduled.getAndSet(true))
        {
            channel.executor().execute(writeRun);
        }
        return true;
    }

    /**
     * On the event loop: every frame queued so far, copied into one buffer from the channel's pool, written and
     * flushed once. The frames in flight are counted down when the write completes (the bytes are with the kernel).
     */
    private void writeRun()
    {
        runScheduled.set(false);
        final long end = queued.get();
        final int count = (int)(end - taken);
        if (count == 0)
        {
            return;
        }
        if (socketClosed || !channel.channel().isActive())
        {
            for (long i = taken; i < end; i++)
            {
                queue[(int)(i & queueMask)] = null;
            }
            taken = end;
            inFlight.addAndGet(-count);
            return;
        }
        int bytes = 0;
        for (long i = taken; i < end; i++)
        {
            bytes += queue[(int)(i & queueMask)].length;
        }
        final ByteBuf run = channel.alloc().directBuffer(bytes, bytes);
        for (long i = taken; i < end; i++)
        {
            final int slot = (int)(i & queueMask);
            run.writeBytes(queue[slot]);
            queue[slot] = null;
        }
        taken = end;
        channel.writeAndFlush(run).addListener(new RunWritten(count));
    }

    /** Counts a run's frames down when its write completes, and wakes the subscription once below half. */
    private final class RunWritten implements ChannelFutureListener
    {
        private final int frameCount;

        RunWritten(final int frameCount)
        {
            this.frameCount = frameCount;
        }

        @Override
        public void operationComplete(final ChannelFuture future)
        {
            if (inFlight.addAndGet(-frameCount) < wakeUpBelow && blocked)
            {
                wakeUp();
            }
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
            closeAfterQueuedFrames(code, reason(lastDelivered, reason));
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
            closeAfterQueuedFrames(CLOSE_GOING_AWAY, reason(last, "server shutting down"));
        }
    }

    /** The close goes to the event loop behind the runs already scheduled, so the frames it counts precede it. */
    private void closeAfterQueuedFrames(final short code, final String reason)
    {
        channel.executor().execute(() -> ws.close(code, reason));
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
        socketClosed = true;
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
