package dev.strand.engine.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.SubscriptionSink;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.strand.engine.EngineFixture.command;
import static dev.strand.engine.EngineFixture.data;
import static dev.strand.engine.EngineFixture.run;
import static dev.strand.engine.EngineFixture.runBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A command's traceparent is journaled with each of its events and comes back wherever the events do: the answer, a
 * replay's answer (the original's, not the repeat's), journal pages, aggregate pages, subscriptions, after a restart;
 * an atomic batch keeps each command's own; a command without one has none; the log line of a failing handler
 * carries the trace id.
 */
class TraceContextEngineTest
{
    private static final String TP_1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TP_2 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    private static final String TP_3 = "00-11111111111111111111111111111111-2222222222222222-01";

    @TempDir
    Path dir;

    @Test
    void shouldJournalAndReturnEachCommandsTraceparent() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            final CommandResult opened = run(engine, command(engine, "open-1", "OpenAccount", "acc-1", Command.ANY_VERSION,
                data("owner", "Ada", "currency", "EUR")).withTraceparent(TP_1));
            assertThat(opened.events()).extracting(RecordedEvent::traceparent).containsExactly(TP_1);
            assertThat(opened.events().get(0).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            run(engine, command(engine, "OpenAccount", "acc-2", data("owner", "Bob", "currency", "EUR")));

            final BatchResult batch = runBatch(engine, List.of(
                command(engine, "dep-1", "Deposit", "acc-1", Command.ANY_VERSION, data("amount", 10L)).withTraceparent(TP_2),
                command(engine, "tr-1", "Transfer", "acc-1", Command.ANY_VERSION, data("to", "acc-2", "amount", 3L))
                    .withTraceparent(TP_3),
                command(engine, "dep-2", "Deposit", "acc-2", Command.ANY_VERSION, data("amount", 1L))), true);
            assertThat(batch.failedIndex()).isEqualTo(-1);
            assertThat(batch.results().get(0).events()).extracting(RecordedEvent::traceparent).containsOnly(TP_2);
            assertThat(batch.results().get(1).events()).hasSizeGreaterThan(1)
                .extracting(RecordedEvent::traceparent).containsOnly(TP_3);
            assertThat(batch.results().get(2).events()).extracting(RecordedEvent::traceparent).containsOnly((String)null);

            final CommandResult repeat = run(engine, command(engine, "open-1", "OpenAccount", "acc-1",
                Command.ANY_VERSION, data("owner", "Ada", "currency", "EUR")).withTraceparent(TP_2));
            assertThat(repeat.replayed()).isTrue();
            assertThat(repeat.events()).as("a replay answers the original's events, with the original's trace")
                .extracting(RecordedEvent::traceparent).containsExactly(TP_1);

            final List<String> expected = expectedTraces(engine);
            assertThat(expected).startsWith(TP_1, null, TP_2);
            assertThat(engine.readEvents(1, 100, EventFilter.ALL, 1000).events())
                .extracting(RecordedEvent::traceparent).containsExactlyElementsOf(expected);
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(engine.aggregateEvents("acc-1", 1, 100).events()).extracting(RecordedEvent::traceparent)
                .containsExactly(TP_1, TP_2, TP_3);

            final List<RecordedEvent> streamed = new CopyOnWriteArrayList<>();
            engine.subscribe(1, EventFilter.ALL, new SubscriptionSink()
            {
                @Override
                public boolean offer(final RecordedEvent event)
                {
                    return streamed.add(event);
                }

                @Override
                public void onClose(final long lastDelivered, final String reason)
                {
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> streamed.size() == expected.size());
            assertThat(streamed).extracting(RecordedEvent::traceparent).containsExactlyElementsOf(expected);
        }
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.readEvents(1, 100, EventFilter.ALL, 1000).events().get(0).traceparent())
                .as("after a restart").isEqualTo(TP_1);
        }
    }

    @Test
    void shouldCarryTheTraceIdInTheLogLineOfAFailingHandler()
    {
        final Logger logger = (Logger)LoggerFactory.getLogger(StrandEngine.class);
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, command(engine, "Explode", "x", data()).withTraceparent(TP_1));
            run(engine, command(engine, "Explode", "y", data()));
        }
        finally
        {
            logger.detachAppender(appender);
        }
        final List<ILoggingEvent> lines = appender.list.stream()
            .filter(e -> e.getFormattedMessage().startsWith("handler of Explode")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).getFormattedMessage()).contains("trace 4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(keyValues(lines.get(0))).containsExactly(
            "traceId=4bf92f3577b34da6a3ce929d0e0e4736", "traceparent=" + TP_1);
        assertThat(lines.get(1).getFormattedMessage()).doesNotContain("trace ");
        assertThat(keyValues(lines.get(1))).isEmpty();
    }

    private static List<String> keyValues(final ILoggingEvent event)
    {
        final List<String> out = new ArrayList<>();
        if (event.getKeyValuePairs() != null)
        {
            for (final KeyValuePair kv : event.getKeyValuePairs())
            {
                out.add(kv.key + "=" + kv.value);
            }
        }
        return out;
    }

    /** What the journal itself holds, event by event. */
    private List<String> expectedTraces(final Engine engine)
    {
        final List<String> traces = new ArrayList<>();
        try (Journal journal = Journal.openReadOnly(dir.resolve("journal"));
            JournalReader reader = journal.newReader())
        {
            final EventRecord record = new EventRecord();
            while (reader.next(record))
            {
                traces.add(record.traceparent());
            }
        }
        assertThat(traces).hasSize((int)engine.journalPosition());
        return traces;
    }
}
