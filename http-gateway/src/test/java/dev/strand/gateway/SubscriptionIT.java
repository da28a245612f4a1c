package dev.strand.gateway;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.strand.gateway.TestServer.envelope;
import static dev.strand.gateway.TestServer.expectOk;
import static dev.strand.gateway.TestServer.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/** WebSocket subscriptions: catch-up, live, filters, resume, the catch-up/live seam, slow subscribers, shutdown. */
@Timeout(180)
class SubscriptionIT
{
    private static final int WS_MAX_IN_FLIGHT = 64;

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir, Map.of("ws-max-in-flight", String.valueOf(WS_MAX_IN_FLIGHT)));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static String id()
    {
        return "s-" + UUID.randomUUID();
    }

    private static long journal()
    {
        return server.gateway().engine().journalPosition();
    }

    private static WsClient subscribe(final String query)
    {
        return WsClient.connect(server.clientVertx(), server.port(), "/subscribe" + query);
    }

    private static void assertGapless(final List<Long> positions, final long first, final long last)
    {
        assertThat(positions).hasSize((int)(last - first + 1));
        for (int i = 0; i < positions.size(); i++)
        {
            assertThat(positions.get(i)).as("frame %d", i).isEqualTo(first + i);
        }
    }

    @Test
    void shouldDeliverEverythingFromPositionOneInOrder()
    {
        final String a = id();
        server.open(a);
        server.deposit(a, 5);
        final long last = journal();
        try (WsClient ws = subscribe("?fromPosition=1"))
        {
            waitUntil("catch-up to " + last, 20, () -> ws.lastPosition() >= last);
            assertGapless(ws.positions().subList(0, (int)last), 1, last);
            final JsonObject frame = ws.events.get((int)last - 1);
            assertThat(frame.fieldNames()).containsExactly("position", "aggregateId", "aggregateType", "version", "type",
                "schemaVersion", "timestamp", "commandId", "correlationId", "causationId", "data");
            assertThat(frame.getJsonObject("data").getLong("amount")).isEqualTo(5);
        }
    }

    @Test
    void shouldDeliverOnlyNewEventsWhenLive()
    {
        final String a = id();
        server.open(a);
        final int subscriptionsBefore = server.gateway().engine().metrics().subscriptions();
        try (WsClient ws = subscribe("?aggregateId=" + a))
        {
            waitUntil("subscription registered", 10,
                () -> server.gateway().engine().metrics().subscriptions() > subscriptionsBefore);
            final long p1 = server.deposit(a, 1);
            final long p2 = server.deposit(a, 2);
            waitUntil("two live events", 10, () -> ws.events.size() >= 2);
            assertThat(ws.positions()).containsExactly(p1, p2);
        }
    }

    @Test
    void shouldFilterByAggregateTypeAndEventType()
    {
        final String a = id();
        final String b = id();
        server.open(a);
        server.open(b);
        server.deposit(a, 1);
        server.deposit(b, 2);
        final long withdrawal = expectOk(server.command("Withdraw", a, new JsonObject().put("amount", 1))).getLong("position");
        server.deposit(a, 3);
        final long end = journal();
        try (WsClient byType = subscribe("?fromPosition=1&type=Withdrawn&aggregateId=" + a);
             WsClient byAggregateType = subscribe("?fromPosition=1&aggregateType=account&aggregateId=" + b))
        {
            waitUntil("the withdrawal", 10, () -> byType.events.size() >= 1);
            waitUntil("b's two events", 10, () -> byAggregateType.events.size() >= 2);
            server.deposit(b, 1);
            waitUntil("b's live deposit", 10, () -> byAggregateType.events.size() >= 3);
            assertThat(byType.positions()).containsExactly(withdrawal);
            assertThat(byAggregateType.events).allSatisfy(e -> assertThat(e.getString("aggregateId")).isEqualTo(b));
            assertThat(byAggregateType.lastPosition()).isGreaterThan(end);
        }
    }

    @Test
    void shouldResumeFromLastPlusOneWithoutGapOrDuplicate()
    {
        final String a = id();
        server.open(a);
        for (int i = 0; i < 10; i++)
        {
            server.deposit(a, 1);
        }
        final List<Long> seen = new ArrayList<>();
        final long half;
        try (WsClient first = subscribe("?fromPosition=1&aggregateId=" + a))
        {
            waitUntil("five events", 10, () -> first.events.size() >= 5);
            half = first.positions().get(4);
            seen.addAll(first.positions().subList(0, 5));
        }
        for (int i = 0; i < 5; i++)
        {
            server.deposit(a, 1);
        }
        try (WsClient second = subscribe("?fromPosition=" + (half + 1) + "&aggregateId=" + a))
        {
            waitUntil("the other eleven", 10, () -> second.events.size() >= 11);
            seen.addAll(second.positions());
        }
        assertThat(seen).hasSize(16).doesNotHaveDuplicates().isSorted();
        final JsonArray all = expectOk(server.get("/aggregates/" + a + "/events?limit=100")).getJsonArray("events");
        final List<Long> expected = new ArrayList<>();
        for (int i = 0; i < all.size(); i++)
        {
            expected.add(all.getJsonObject(i).getLong("position"));
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void shouldCrossTheCatchUpToLiveSeamWithoutGapOrDuplicateUnderConcurrentWrites() throws Exception
    {
        final String a = id();
        server.open(a);
        final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        final int writers = 4;
        final int perWriter = 300;
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++)
        {
            final Thread t = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < perWriter; i++)
                    {
                        server.deposit(a, 1);
                    }
                }
                catch (final Throwable ex)
                {
                    writerFailure.set(ex);
                }
            }, "writer-" + w);
            threads.add(t);
            t.start();
        }
        waitUntil("writes under way", 10, () -> server.gateway().engine().aggregate(a).map(v -> v.version() > 200).orElse(false));
        try (WsClient ws = subscribe("?fromPosition=1"))
        {
            for (final Thread t : threads)
            {
                t.join(60_000);
            }
            assertThat(writerFailure.get()).isNull();
            final long last = journal();
            waitUntil("every event up to " + last, 30, () -> ws.lastPosition() >= last);
            assertGapless(ws.positions(), 1, ws.lastPosition());
        }
    }

    @Test
    void shouldServeASlowSubscriberAtItsPaceWhileOthersKeepReceiving() throws Exception
    {
        final String a = id();
        server.open(a);
        final long start = journal();
        try (WsClient slow = subscribe("?fromPosition=" + (start + 1));
             WsClient fast = subscribe("?fromPosition=" + (start + 1)))
        {
            slow.socket().pause();
            long maxInFlight = 0;
            final int batches = 150;
            for (int b = 0; b < batches; b++)
            {
                final JsonArray commands = new JsonArray();
                for (int i = 0; i < 100; i++)
                {
                    commands.add(envelope("Deposit", a, new JsonObject().put("amount", 1)));
                }
                expectOk(server.post("/commands/batch", new JsonObject().put("commands", commands)));
                if (b % 10 == 0)
                {
                    maxInFlight = Math.max(maxInFlight, framesInFlight());
                }
            }
            final long last = journal();
            waitUntil("the fast subscriber has everything", 60, () -> fast.lastPosition() >= last);
            assertGapless(fast.positions(), start + 1, last);
            maxInFlight = Math.max(maxInFlight, framesInFlight());
            assertThat(maxInFlight).as("frames in flight, all subscribers").isLessThanOrEqualTo(2L * WS_MAX_IN_FLIGHT);
            assertThat(slow.events.size()).isLessThan((int)(last - start));

            slow.socket().resume();
            waitUntil("the slow subscriber catches up or is closed", 60, () -> slow.lastPosition() >= last || slow.closeStatus != null);
            if (slow.closeStatus != null)
            {
                assertThat(slow.closeStatus).isEqualTo((short)4008);
                assertThat(slow.closeReason).contains("lastPosition=" + slow.lastPosition());
                assertGapless(slow.positions(), start + 1, slow.lastPosition());
            }
            else
            {
                assertGapless(slow.positions(), start + 1, last);
            }
        }
    }

    private static long framesInFlight()
    {
        final String metrics = server.get("/metrics").bodyAsString();
        final Matcher m = Pattern.compile("(?m)^strand_websocket_frames_in_flight(?:\\{[^}]*\\})? ([0-9.Ee+-]+)$").matcher(metrics);
        assertThat(m.find()).as("strand_websocket_frames_in_flight in /metrics").isTrue();
        return (long)Double.parseDouble(m.group(1));
    }

    @Test
    void shouldRefuseBadParametersWith400AndAProblem()
    {
        for (final String query : new String[] {"?fromPosition=abc", "?fromPosition=-1", "?aggregateId=bad%20id", "?type="})
        {
            final UpgradeRejectedException refused = WsClient.refused(server.clientVertx(), server.port(), "/subscribe" + query, null, null);
            assertThat(refused.getStatus()).as(query).isEqualTo(400);
            assertThat(new JsonObject(refused.getBody()).getString("code")).isEqualTo("INVALID_FIELD");
        }
    }

    @Test
    void shouldCloseASocketThatSendsAFrameOverTheLimit()
    {
        try (WsClient ws = subscribe(""))
        {
            ws.socket().writeTextMessage("x".repeat(200_000));
            waitUntil("the server to close the socket", 10, () -> ws.closeStatus != null);
            assertThat(ws.closeStatus).isEqualTo((short)1009);
        }
    }

    @Test
    void shouldAnswer426ToAPlainGet()
    {
        assertThat(server.get("/subscribe").statusCode()).isEqualTo(426);
    }

    @Test
    void shouldCloseWith1001AndTheLastPositionOnShutdown(@TempDir final Path otherDir)
    {
        try (TestServer other = TestServer.start(otherDir))
        {
            final String a = id();
            other.open(a);
            other.deposit(a, 1);
            final WsClient ws = WsClient.connect(other.clientVertx(), other.port(), "/subscribe?fromPosition=1");
            waitUntil("two events", 10, () -> ws.events.size() >= 2);
            other.gateway().close();
            waitUntil("the close frame", 10, () -> ws.closeStatus != null);
            assertThat(ws.closeStatus).isEqualTo((short)1001);
            assertThat(ws.closeReason).startsWith("lastPosition=2");
        }
    }
}
