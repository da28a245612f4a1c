package dev.strand.gateway;

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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.strand.gateway.TestServer.envelope;
import static dev.strand.gateway.TestServer.expectOk;
import static dev.strand.gateway.TestServer.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fan-out to many subscribers: each event is encoded once and written to each socket in runs of frames. Every
 * subscriber still gets exactly the events its filter matches, in order, once, each frame equal to the event as
 * {@code GET /events} shows it; a paused subscriber holds back only itself.
 */
@Timeout(180)
class FanOutIT
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
        return "f-" + UUID.randomUUID();
    }

    private static WsClient subscribe(final TestServer on, final String query)
    {
        return WsClient.connect(on.clientVertx(), on.port(), "/subscribe" + query);
    }

    /** The journal's events from {@code from} to {@code to}, as {@code GET /events} gives them. */
    private static List<JsonObject> journalEvents(final TestServer on, final long from, final long to)
    {
        final List<JsonObject> events = new ArrayList<>();
        long next = from;
        while (next <= to)
        {
            final JsonObject page = expectOk(on.get("/events?fromPosition=" + next + "&limit=1000"));
            final JsonArray batch = page.getJsonArray("events");
            for (int i = 0; i < batch.size() && batch.getJsonObject(i).getLong("position") <= to; i++)
            {
                events.add(batch.getJsonObject(i));
            }
            next = page.getLong("nextPosition");
        }
        return events;
    }

    private static List<JsonObject> matching(final List<JsonObject> events, final Predicate<JsonObject> filter)
    {
        return events.stream().filter(filter).toList();
    }

    /** A batch of deposits and withdrawals over the accounts, alternating; returns the last position. */
    private static long burst(final TestServer on, final List<String> accounts, final int commands)
    {
        final JsonArray batch = new JsonArray();
        for (int i = 0; i < commands; i++)
        {
            final String account = accounts.get(i % accounts.size());
            batch.add(i % 3 == 2
                ? envelope("Withdraw", account, new JsonObject().put("amount", 1))
                : envelope("Deposit", account, new JsonObject().put("amount", 2)));
        }
        expectOk(on.post("/commands/batch", new JsonObject().put("commands", batch)));
        return on.gateway().engine().journalPosition();
    }

    private static long framesInFlight()
    {
        final Matcher m = Pattern.compile("(?m)^strand_websocket_frames_in_flight(?:\\{[^}]*\\})? ([0-9.Ee+-]+)$")
            .matcher(server.get("/metrics").bodyAsString());
        assertThat(m.find()).as("strand_websocket_frames_in_flight in /metrics").isTrue();
        return (long)Double.parseDouble(m.group(1));
    }

    @Test
    void shouldGiveEverySubscriberExactlyItsEventsInOrderOnceWhateverItsFilter()
    {
        final String a = id();
        final String b = id();
        server.open(a);
        server.open(b);
        final long start = server.gateway().engine().journalPosition();
        burst(server, List.of(a, b), 90);
        final long resumeAt = server.gateway().engine().journalPosition() - 40;
        try (WsClient all = subscribe(server, "?fromPosition=" + (start + 1));
             WsClient onlyA = subscribe(server, "?fromPosition=" + (start + 1) + "&aggregateId=" + a);
             WsClient withdrawals = subscribe(server, "?fromPosition=" + (start + 1) + "&type=Withdrawn");
             WsClient bDeposits = subscribe(server, "?fromPosition=" + (start + 1) + "&aggregateType=account&type=Deposited&aggregateId=" + b);
             WsClient resumed = subscribe(server, "?fromPosition=" + resumeAt);
             WsClient live = subscribe(server, ""))
        {
            waitUntil("the catch-up of the unfiltered subscriber", 30,
                () -> all.lastPosition() >= resumeAt + 39);
            final long liveFrom = server.gateway().engine().journalPosition() + 1;
            for (int round = 0; round < 5; round++)
            {
                burst(server, List.of(a, b), 200);
            }
            final long end = server.gateway().engine().journalPosition();
            final List<JsonObject> journal = journalEvents(server, start + 1, end);
            final List<JsonObject> expectA = matching(journal, e -> a.equals(e.getString("aggregateId")));
            final List<JsonObject> expectWithdrawals = matching(journal, e -> "Withdrawn".equals(e.getString("type")));
            final List<JsonObject> expectBDeposits = matching(journal,
                e -> b.equals(e.getString("aggregateId")) && "Deposited".equals(e.getString("type")));
            waitUntil("every subscriber has its last event", 60, () -> all.lastPosition() >= end
                && onlyA.events.size() >= expectA.size() && withdrawals.events.size() >= expectWithdrawals.size()
                && bDeposits.events.size() >= expectBDeposits.size() && resumed.lastPosition() >= end
                && live.lastPosition() >= end);

            assertThat(all.events).isEqualTo(journal);
            assertThat(onlyA.events).isEqualTo(expectA);
            assertThat(withdrawals.events).isEqualTo(expectWithdrawals);
            assertThat(bDeposits.events).isEqualTo(expectBDeposits);
            assertThat(resumed.events).isEqualTo(matching(journal, e -> e.getLong("position") >= resumeAt));
            assertThat(live.events).isEqualTo(matching(journal, e -> e.getLong("position") >= liveFrom));
        }
    }

    @Test
    void shouldDeliverARunOfFramesIntactToEverySubscriber()
    {
        final String a = id();
        server.open(a);
        final long start = server.gateway().engine().journalPosition();
        final List<WsClient> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                clients.add(subscribe(server, "?fromPosition=" + (start + 1)));
            }
            final long end = burst(server, List.of(a), 3_000);
            final List<JsonObject> journal = journalEvents(server, start + 1, end);
            assertThat(journal).hasSize((int)(end - start));
            for (final WsClient c : clients)
            {
                waitUntil("a subscriber's last event", 60, () -> c.lastPosition() >= end);
                assertThat(c.events).isEqualTo(journal);
            }
        }
        finally
        {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void shouldSplitFramesOverTheFrameSizeAsContinuationsTheClientReassembles(@TempDir final Path otherDir)
    {
        try (TestServer small = TestServer.start(otherDir, Map.of("ws-max-frame-size", "125")))
        {
            final String a = id();
            small.open(a);
            try (WsClient ws = subscribe(small, "?fromPosition=1"))
            {
                final long end = burst(small, List.of(a), 50);
                waitUntil("every event", 30, () -> ws.lastPosition() >= end);
                final List<JsonObject> journal = journalEvents(small, 1, end);
                assertThat(journal).allSatisfy(e -> assertThat(e.encode().length()).isGreaterThan(125));
                assertThat(ws.events).isEqualTo(journal);
            }
        }
    }

    @Test
    void shouldKeepFeedingFastSubscribersWhileAPausedOneWaitsAtItsOwnPace()
    {
        final String a = id();
        final String b = id();
        server.open(a);
        server.open(b);
        final long start = server.gateway().engine().journalPosition();
        try (WsClient slow = subscribe(server, "?fromPosition=" + (start + 1));
             WsClient fastAll = subscribe(server, "?fromPosition=" + (start + 1));
             WsClient fastA = subscribe(server, "?fromPosition=" + (start + 1) + "&aggregateId=" + a);
             WsClient fastB = subscribe(server, "?fromPosition=" + (start + 1) + "&aggregateId=" + b))
        {
            slow.socket().pause();
            long end = start;
            for (int round = 0; round < 10; round++)
            {
                end = burst(server, List.of(a, b), 1_000);
            }
            final long last = end;
            final List<JsonObject> journal = journalEvents(server, start + 1, last);
            waitUntil("the fast subscribers have everything", 60, () -> fastAll.lastPosition() >= last
                && fastA.events.size() >= journal.size() / 2 && fastB.events.size() >= journal.size() / 2);
            assertThat(fastAll.events).isEqualTo(journal);
            assertThat(fastA.events).isEqualTo(matching(journal, e -> a.equals(e.getString("aggregateId"))));
            assertThat(fastB.events).isEqualTo(matching(journal, e -> b.equals(e.getString("aggregateId"))));
            assertThat(framesInFlight())
                .as("frames in flight, all subscribers").isLessThanOrEqualTo(4L * WS_MAX_IN_FLIGHT);
            assertThat(slow.events.size()).isLessThan(journal.size());

            slow.socket().resume();
            waitUntil("the slow subscriber catches up or is closed", 60,
                () -> slow.lastPosition() >= last || slow.closeStatus != null);
            if (slow.closeStatus != null)
            {
                assertThat(slow.closeStatus).isEqualTo((short)4008);
                assertThat(slow.closeReason).contains("lastPosition=" + slow.lastPosition());
                assertThat(slow.events).isEqualTo(journal.subList(0, slow.events.size()));
            }
            else
            {
                assertThat(slow.events).isEqualTo(journal);
            }
        }
    }
}
