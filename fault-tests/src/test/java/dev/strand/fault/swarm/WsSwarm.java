package dev.strand.fault.swarm;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many WebSocket subscribers in one process, separate from the test JVM and the server:
 * {@code java -cp strand.jar:test-classes dev.strand.fault.swarm.WsSwarm <port> <subscribers> <events> <timeoutSeconds>}.
 * Opens the live subscriptions (in waves, so the server's accept backlog is not the test), prints
 * {@code CONNECTED n failed f}, then checks each one receives {@code events} events with consecutive positions
 * (in order, no gap, no duplicate) and prints {@code DONE complete c broken b closed x} when all are complete or the
 * time is up. Progress lines start with {@code PROGRESS}.
 */
public final class WsSwarm
{
    private WsSwarm()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int port = Integer.parseInt(args[0]);
        final int count = Integer.parseInt(args[1]);
        final int events = Integer.parseInt(args[2]);
        final long timeoutNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));

        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
            .setMaxConnections(count + 16).setConnectTimeout(30_000));
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger complete = new AtomicInteger();
        final AtomicInteger broken = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final long deadline = System.nanoTime() + timeoutNanos;

        for (int i = 0; i < count; i++)
        {
            while (connected.get() + failed.get() < i - 256)
            {
                Thread.sleep(1);
            }
            final Subscriber s = new Subscriber(events, complete, broken);
            client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/subscribe")
                    .setAllowOriginHeader(false))
                .onSuccess(ws ->
                {
                    ws.textMessageHandler(s::onText);
                    ws.closeHandler(v -> closed.incrementAndGet());
                    connected.incrementAndGet();
                })
                .onFailure(t ->
                {
                    if (failed.incrementAndGet() <= 3)
                    {
                        System.out.println("FAILURE " + t);
                    }
                });
        }
        while (connected.get() + failed.get() < count && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        System.out.println("CONNECTED " + connected.get() + " failed " + failed.get());
        System.out.flush();
        while (complete.get() + broken.get() < connected.get() && System.nanoTime() < deadline)
        {
            Thread.sleep(200);
            System.out.println("PROGRESS complete " + complete.get() + " broken " + broken.get() + " closed " + closed.get());
            System.out.flush();
        }
        System.out.println("DONE complete " + complete.get() + " broken " + broken.get() + " closed " + closed.get());
        System.out.flush();
        vertx.close().await();
        System.exit(0);
    }

    /** One subscription's check: consecutive positions, {@code expected} of them. */
    private static final class Subscriber
    {
        private final int expected;
        private final AtomicInteger complete;
        private final AtomicInteger broken;
        private long last = -1;
        private int received;
        private boolean failed;

        Subscriber(final int expected, final AtomicInteger complete, final AtomicInteger broken)
        {
            this.expected = expected;
            this.complete = complete;
            this.broken = broken;
        }

        void onText(final String frame)
        {
            if (failed)
            {
                return;
            }
            final long position = position(frame);
            if (last >= 0 && position != last + 1)
            {
                failed = true;
                broken.incrementAndGet();
                System.out.println("GAP got " + position + " after " + last);
                return;
            }
            last = position;
            if (++received == expected)
            {
                complete.incrementAndGet();
            }
        }

        private static long position(final String frame)
        {
            final int at = frame.indexOf("\"position\":") + 11;
            long value = 0;
            for (int i = at; i < frame.length() && Character.isDigit(frame.charAt(i)); i++)
            {
                value = value * 10 + (frame.charAt(i) - '0');
            }
            return value;
        }
    }
}
