package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that do not keep up or do not finish: WebSocket subscribers that stop reading, and slowloris HTTP clients
 * that trickle their headers or bodies. The server's memory stays bounded, the other clients are served as usual,
 * a stuck subscriber is served from the journal at its own pace or closed with 4008 and its last position (never an
 * event skipped), and trickling connections are cut after the configured timeouts.
 */
@Timeout(180)
class SlowClientsIT
{
    private static final int STUCK = 20;

    @Test
    void shouldBoundMemoryForStuckSubscribersAndServeTheOthers() throws Exception
    {
        final Path work = Work.fresh("slow-subscribers");
        final LedgerLoad load = new LedgerLoad(32, 13);
        try (StrandProcess server = StrandProcess.builder(work.resolve("data")).log(work.resolve("server.log"))
            .flag("ws-max-in-flight", 64).start())
        {
            final Http http = server.http();
            load.openAccounts(http);
            final long idleRss = server.rssKib();
            final List<RawWebSocket> stuck = new ArrayList<>();
            for (int i = 0; i < STUCK; i++)
            {
                final RawWebSocket ws = RawWebSocket.connect(server.port(), "/subscribe?fromPosition=1", 4096);
                assertThat(ws.upgraded()).as(ws.handshake).isTrue();
                stuck.add(ws);
            }
            final WsSubscriber healthy = WsSubscriber.connect(server.port(), "/subscribe?fromPosition=1");

            long maxRss = 0;
            long slowestBatchMillis = 0;
            final java.util.Random random = new java.util.Random(13);
            for (int b = 0; b < 12; b++)
            {
                final JsonArray batch = new JsonArray();
                for (int i = 0; i < 1000; i++)
                {
                    batch.add(load.nextCommand(random));
                }
                final long start = System.nanoTime();
                final Http.Response r = http.batch(false, batch);
                slowestBatchMillis = Math.max(slowestBatchMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                assertThat(r.statusCode()).isEqualTo(200);
                maxRss = Math.max(maxRss, server.rssKib());
            }
            final long end = http.journalPosition();
            Waits.await("the healthy subscriber to receive every event").atMost(Duration.ofSeconds(60))
                .until(() -> healthy.last() >= end);
            healthy.assertConsecutiveFrom(1);
            final Metrics metrics = Metrics.parse(http.get("/metrics").body());
            final double inFlight = metrics.value("strand_websocket_frames_in_flight");
            maxRss = Math.max(maxRss, server.rssKib());
            assertThat(inFlight).as("frames written and not flushed, all subscribers").isLessThanOrEqualTo((STUCK + 1) * 64.0);
            assertThat(maxRss - idleRss).as("RSS growth with %d stuck subscribers (KiB)", STUCK).isLessThan(256 * 1024);
            assertThat(slowestBatchMillis).as("slowest batch of 1000 commands (ms)").isLessThan(5_000);

            // now the stuck ones read: everything from position 1 in order, or a 4008 close naming the last position
            int servedInFull = 0;
            int closed4008 = 0;
            for (final RawWebSocket ws : stuck)
            {
                long expected = 1;
                while (expected <= end)
                {
                    final RawWebSocket.Frame frame = ws.next(10_000);
                    assertThat(frame).as("a frame for position %d", expected).isNotNull();
                    if (frame.opcode() == 0x8)
                    {
                        assertThat(frame.closeCode()).isEqualTo(4008);
                        assertThat(frame.closeReason()).contains(String.valueOf(expected - 1));
                        closed4008++;
                        break;
                    }
                    if (frame.opcode() == 0x9 || frame.opcode() == 0xA)
                    {
                        continue;
                    }
                    assertThat(new JsonObject(frame.text()).getLong("position")).isEqualTo(expected);
                    expected++;
                }
                if (expected > end)
                {
                    servedInFull++;
                }
                ws.close();
            }
            assertThat(servedInFull + closed4008).isEqualTo(STUCK);
            healthy.close();
            Work.figures("stuck subscribers", String.format("%d subscribers that stopped reading (4 KiB receive buffer) " +
                    "while %d events were written: RSS %d -> max %d MiB, frames in flight %d, slowest batch of 1000 %d ms; " +
                    "a healthy subscriber got all %d in order; afterwards %d stuck ones were served everything in order " +
                    "from the journal, %d closed with 4008 + last position", STUCK, end, idleRss / 1024, maxRss / 1024,
                (long)inFlight, slowestBatchMillis, end, servedInFull, closed4008));
        }
        Work.delete(work);
    }

    @Test
    void shouldCutSlowlorisConnectionsAndServeEveryoneElse() throws Exception
    {
        final Path work = Work.fresh("slowloris");
        try (StrandProcess server = StrandProcess.builder(work.resolve("data")).log(work.resolve("server.log"))
            .flag("idle-timeout-seconds", 2).flag("request-timeout-ms", 2000).start())
        {
            final Http http = server.http();
            assertThat(http.command(Http.open("loris")).statusCode()).isEqualTo(200);
            final long before = http.journalPosition();
            final int baselineFds = server.openFds();

            final List<Socket> headers = new ArrayList<>();
            final List<Socket> bodies = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                headers.add(open(server.port(), "GET /events HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            }
            for (int i = 0; i < 30; i++)
            {
                bodies.add(open(server.port(), "POST /commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                    "Content-Length: 1000\r\n\r\n{\"type\":\"Deposit\",\"aggregateId\":\"loris\",\"data\":{\"amount\":"));
            }
            final int attackFds = server.openFds();

            long slowest = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < deadline)
            {
                trickle(headers);
                trickle(bodies);
                final long start = System.nanoTime();
                assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
                assertThat(http.command(Http.deposit("loris", 1)).statusCode()).isEqualTo(200);
                slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                Waits.sleep(250);
            }
            final int cutHeaders = countClosed(headers);
            final int cutBodies = countClosed(bodies);
            assertThat(cutHeaders).as("header tricklers cut").isEqualTo(headers.size());
            assertThat(cutBodies).as("body tricklers cut").isEqualTo(bodies.size());
            assertThat(slowest).as("slowest normal request during the attack (ms)").isLessThan(1_000);
            Waits.await("descriptors back near the baseline").atMost(Duration.ofSeconds(10))
                .until(() -> server.openFds() <= baselineFds + 10);
            final long deposits = http.journalPosition() - before;
            assertThat(new LedgerAudit().full(http).size()).isEqualTo(before + deposits);
            assertThat(server.log()).doesNotContain("has been blocked for");
            Work.figures("slowloris", String.format("200 header tricklers and 30 body tricklers: all cut (idle timeout 2 s, " +
                    "request timeout 2 s), normal requests during the attack at most %d ms, server fds %d -> %d -> back to <= %d, " +
                    "no trickled command journaled", slowest, baselineFds, attackFds, baselineFds + 10));
            headers.forEach(SlowClientsIT::closeQuietly);
            bodies.forEach(SlowClientsIT::closeQuietly);
        }
        Work.delete(work);
    }

    private static Socket open(final int port, final String start) throws IOException
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** One more byte on every connection still open. */
    private static void trickle(final List<Socket> sockets)
    {
        for (final Socket s : sockets)
        {
            try
            {
                final OutputStream out = s.getOutputStream();
                out.write('1');
                out.flush();
            }
            catch (final IOException closed)
            {
                // cut by the server: what we want
            }
        }
    }

    /** How many the server closed: a read sees the end of the stream (after any answer it sent) or a reset. */
    private static int countClosed(final List<Socket> sockets) throws IOException
    {
        int closed = 0;
        for (final Socket s : sockets)
        {
            s.setSoTimeout(3000);
            try
            {
                final InputStream in = s.getInputStream();
                final byte[] buffer = new byte[4096];
                while (true)
                {
                    final int n = in.read(buffer);
                    if (n < 0)
                    {
                        closed++;
                        break;
                    }
                }
            }
            catch (final java.net.SocketTimeoutException stillOpen)
            {
                // not closed
            }
            catch (final IOException reset)
            {
                closed++;
            }
        }
        return closed;
    }

    private static void closeQuietly(final Socket s)
    {
        try
        {
            s.close();
        }
        catch (final IOException ex)
        {
            // closing
        }
    }
}
