package dev.strand.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalRoundTripTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRoundTripEveryFieldIncludingNullsAndUnicode()
    {
        final String unicodeType = "Überweisung-\u65e5\u672c-\uD83D\uDE80";
        final byte[] payload = Fixtures.utf8("{\"amount\":\"12.50\",\"note\":\"caf\u00e9 \uD83C\uDF70\"}");
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final JournalAppender appender = journal.appender();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[payload.length + 10]);
            buffer.putBytes(5, payload);
            appender.begin();
            appender.add(1, "account", "acc-\u00e9", 7, unicodeType, 3, 1_700_000_000_123_456L, "cmd-1", "corr-1",
                "cause-1", buffer, 5, payload.length);
            appender.add(2, null, null, 8, null, 0, -1, null, null, null, buffer, 0, 0);
            appender.add(3, "account", "acc-2", 1, "Opened", 2, 42, "cmd-3", null, "cmd-3", buffer, 5, 3);
            appender.commit();
            assertThat(journal.lastPosition()).isEqualTo(3);

            try (JournalReader reader = journal.newReader())
            {
                final EventRecord e = new EventRecord();
                assertThat(reader.next(e)).isTrue();
                assertThat(e.position()).isEqualTo(1);
                assertThat(e.aggregateType()).isEqualTo("account");
                assertThat(e.aggregateId()).isEqualTo("acc-\u00e9");
                assertThat(e.version()).isEqualTo(7);
                assertThat(e.eventType()).isEqualTo(unicodeType);
                assertThat(e.schemaVersion()).isEqualTo(3);
                assertThat(e.timestampMicros()).isEqualTo(1_700_000_000_123_456L);
                assertThat(e.commandId()).isEqualTo("cmd-1");
                assertThat(e.correlationId()).isEqualTo("corr-1");
                assertThat(e.causationId()).isEqualTo("cause-1");
                assertThat(e.commitFirstPosition()).isEqualTo(1);
                assertThat(e.commitLastPosition()).isEqualTo(3);
                final byte[] read = new byte[e.payloadLength()];
                e.payload().getBytes(e.payloadOffset(), read);
                assertThat(read).isEqualTo(payload);
                final EventRecord kept = e.copy();

                assertThat(reader.next(e)).isTrue();
                assertThat(e.position()).isEqualTo(2);
                assertThat(e.aggregateType()).isNull();
                assertThat(e.aggregateId()).isNull();
                assertThat(e.eventType()).isNull();
                assertThat(e.commandId()).isNull();
                assertThat(e.correlationId()).isNull();
                assertThat(e.causationId()).isNull();
                assertThat(e.timestampMicros()).isEqualTo(-1);
                assertThat(e.payloadLength()).isZero();

                assertThat(reader.next(e)).isTrue();
                assertThat(e.position()).isEqualTo(3);
                assertThat(e.causationId()).isEqualTo("cmd-3");
                assertThat(e.correlationId()).isNull();
                assertThat(e.payloadLength()).isEqualTo(3);

                assertThat(reader.next(e)).isFalse();
                assertThat(reader.nextPosition()).isEqualTo(4);

                final byte[] keptPayload = new byte[kept.payloadLength()];
                kept.payload().getBytes(kept.payloadOffset(), keptPayload);
                assertThat(keptPayload).isEqualTo(payload);
                assertThat(kept.eventType()).isEqualTo(unicodeType);
            }
        }
    }

    @Test
    void shouldKeepEventsAcrossReopen()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            Fixtures.append(journal, 50, 3, 40);
        }
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.lastPosition()).isEqualTo(150);
            assertThat(journal.recoveryReport().commitsScanned()).isEqualTo(50);
            assertThat(journal.recoveryReport().eventsScanned()).isEqualTo(150);
            assertThat(journal.recoveryReport().tornTailDropped()).isZero();
            Fixtures.append(journal, 1, 1, 10);
            try (JournalReader reader = journal.newReader())
            {
                final EventRecord e = new EventRecord();
                for (long p = 1; p <= 150; p++)
                {
                    assertThat(reader.next(e)).isTrue();
                    Fixtures.assertEvent(e, p, 40);
                }
                assertThat(reader.next(e)).isTrue();
                Fixtures.assertEvent(e, 151, 10);
                assertThat(reader.next(e)).isFalse();
            }
        }
    }

    @Test
    void shouldRejectPositionThatIsNotTheNext()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            Fixtures.append(journal, 2, 1, 8);
            final JournalAppender appender = journal.appender();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
            appender.begin();
            assertThatThrownBy(() -> appender.add(4, "a", "b", 1, "E", 1, 0, "c", "c", "c", buffer, 0, 8))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("position 4 is not the next position 3");
            assertThatThrownBy(() -> appender.add(2, "a", "b", 1, "E", 1, 0, "c", "c", "c", buffer, 0, 8))
                .isInstanceOf(IllegalStateException.class);
            appender.add(3, "a", "b", 1, "E", 1, 0, "c", "c", "c", buffer, 0, 8);
            assertThatThrownBy(() -> appender.add(3, "a", "b", 1, "E", 1, 0, "c", "c", "c", buffer, 0, 8))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("position 3 is not the next position 4");
            appender.commit();
            assertThat(journal.lastPosition()).isEqualTo(3);
        }
    }

    @Test
    void shouldLetTheExistingQueuesRollCycleOverrideTheConfiguredOne()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).rollCycle(JournalRollCycle.FAST_HOURLY).build()))
        {
            Fixtures.append(journal, 3, 1, 8);
            assertThat(journal.rollCycle()).isEqualTo("FAST_HOURLY");
        }
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.rollCycle()).isEqualTo("FAST_HOURLY");
            assertThat(journal.recoveryReport().rollCycle()).isEqualTo("FAST_HOURLY");
            Fixtures.append(journal, 1, 1, 8);
            assertThat(journal.lastPosition()).isEqualTo(4);
            assertThat(journal.bytesWritten()).isPositive();
        }
    }
}
