package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubscriptionTest
{
    @TempDir
    Path dir;

    /** Collects events; can be told to refuse (a full socket). */
    static final class CollectingSink implements SubscriptionSink
    {
        final List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        final AtomicBoolean refuse = new AtomicBoolean();
        volatile String closedReason;

        @Override
        public boolean offer(final RecordedEvent event)
        {
            if (refuse.get())
            {
                return false;
            }
            events.add(event);
            return true;
        }

        @Override
        public void onClose(final long lastDelivered, final String reason)
        {
            closedReason = reason;
        }

        List<Long> positions()
        {
            return events.stream().map(RecordedEvent::position).toList();
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
            .until(condition::getAsBoolean);
    }

    private static List<Long> range(final long from, final long to)
    {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void shouldCatchUpFromTheJournalThenGoLiveWithoutGapOrDuplicate() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir, b -> b.liveBufferEvents(64)))
        {
            run(engine, "OpenAccount", "a");
            for (int i = 0; i < 300; i++)
            {
                run(engine, "Deposit", "a", "amount", 1L);
            }
            final CollectingSink sink = new CollectingSink();
            final Subscription sub = engine.subscribe(1, EventFilter.ALL, sink);
            final Thread writer = new Thread(() ->
            {
                for (int i = 0; i < 500; i++)
                {
                    run(engine, "Deposit", "a", "amount", 1L);
                }
            });
            writer.start();
            writer.join();
            await(() -> sink.events.size() >= 801, "all 801 events");
            assertThat(sink.positions()).isEqualTo(range(1, 801));
            assertThat(sub.lastDeliveredPosition()).isEqualTo(801);
            sub.close();
        }
    }

    @Test
    void shouldDeliverOnlyNewEventsToALiveSubscriberAndApplyFilters() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
            run(engine, "OpenAccount", "b");
            final CollectingSink live = new CollectingSink();
            final CollectingSink onlyB = new CollectingSink();
            final CollectingSink onlyWithdrawn = new CollectingSink();
            engine.subscribe(0, EventFilter.ALL, live);
            engine.subscribe(1, new EventFilter("b", "account", null), onlyB);
            engine.subscribe(1, new EventFilter(null, null, "Withdrawn"), onlyWithdrawn);
            run(engine, "Deposit", "a", "amount", 10L);
            run(engine, "Deposit", "b", "amount", 10L);
            run(engine, "Withdraw", "a", "amount", 5L);
            await(() -> live.events.size() == 3 && onlyB.events.size() == 2 && onlyWithdrawn.events.size() == 1, "filtered events");
            assertThat(live.positions()).containsExactly(3L, 4L, 5L);
            assertThat(onlyB.positions()).containsExactly(2L, 4L);
            assertThat(onlyWithdrawn.positions()).containsExactly(5L);
        }
    }

    @Test
    void shouldServeASlowSubscriberAtItsOwnPaceWithoutSlowingTheWriter() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir, b -> b.liveBufferEvents(16)))
        {
            run(engine, "OpenAccount", "a");
            final CollectingSink slow = new CollectingSink();
            final CollectingSink fast = new CollectingSink();
            slow.refuse.set(true);
            final Subscription slowSub = engine.subscribe(1, EventFilter.ALL, slow);
            engine.subscribe(1, EventFilter.ALL, fast);
            for (int i = 0; i < 400; i++)
            {
                run(engine, "Deposit", "a", "amount", 1L);
            }
            await(() -> fast.events.size() == 401, "the fast subscriber");
            assertThat(slow.events).as("the stuck subscriber got nothing while refusing").isEmpty();
            slow.refuse.set(false);
            slowSub.wakeUp();
            await(() -> slow.events.size() == 401, "the slow subscriber, from the journal");
            assertThat(slow.positions()).isEqualTo(range(1, 401));
            assertThat(fast.positions()).isEqualTo(range(1, 401));
        }
    }

    @Test
    void shouldResumeFromTheLastDeliveredPosition() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
            for (int i = 0; i < 10; i++)
            {
                run(engine, "Deposit", "a", "amount", 1L);
            }
            final CollectingSink first = new CollectingSink();
            final Subscription sub = engine.subscribe(1, EventFilter.ALL, first);
            await(() -> first.events.size() == 11, "first pass");
            sub.close();
            run(engine, "Deposit", "a", "amount", 1L);
            final CollectingSink resumed = new CollectingSink();
            engine.subscribe(sub.lastDeliveredPosition() + 1, EventFilter.ALL, resumed);
            await(() -> resumed.events.size() == 1, "resumed");
            assertThat(resumed.positions()).containsExactly(12L);
        }
    }

    @Test
    void shouldTellSubscribersWhenTheEngineStops() throws Exception
    {
        final CollectingSink sink = new CollectingSink();
        try (Engine engine = EngineFixture.start(dir))
        {
            engine.subscribe(0, EventFilter.ALL, sink);
            run(engine, "OpenAccount", "a");
            await(() -> sink.events.size() == 1, "one event");
        }
        assertThat(sink.closedReason).isEqualTo("server stopping");
    }
}
