package dev.strand.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Trace contexts in commits (format 4, event flag bit 2): kept per event, read back as the traceparent they were
 * given, across a reopen and a full verify, beside events without one and with fingerprints; what the journal cannot
 * store is refused before anything is written.
 */
class TraceContextTest
{
    private static final String SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String OTHER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

    @TempDir
    Path dir;

    @Test
    void shouldKeepEachEventsTraceparentAcrossReopenAndVerify()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(Fixtures.utf8("{\"amount\":5}"));
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final JournalAppender appender = journal.appender();
            appender.begin();
            appender.add(1, "account", "acc-1", 1, "Deposited", 1, 10, "cmd-1", "corr", "cmd-1", 77L, SAMPLED,
                payload, 0, payload.capacity());
            appender.add(2, "account", "acc-1", 2, "Deposited", 1, 10, "cmd-1", "corr", "cmd-1", 0, SAMPLED,
                payload, 0, payload.capacity());
            appender.add(3, "account", "acc-2", 1, "Deposited", 1, 11, "cmd-2", null, "cmd-2", 78L, null,
                payload, 0, payload.capacity());
            appender.add(4, "account", "acc-3", 1, "Deposited", 1, 12, "cmd-3", null, "other", 0, OTHER,
                payload, 0, payload.capacity());
            appender.commit();
        }
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.lastPosition()).isEqualTo(4);
            final List<EventRecord> read = readAll(journal);
            assertThat(read).extracting(EventRecord::traceparent).containsExactly(SAMPLED, SAMPLED, null, OTHER);
            assertThat(read).extracting(EventRecord::hasTraceContext).containsExactly(true, true, false, true);
            assertThat(read.get(0).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(read.get(2).traceId()).isNull();
            assertThat(read).extracting(EventRecord::commandFingerprint).containsExactly(77L, 0L, 78L, 0L);
            assertThat(read.get(3).causationId()).isEqualTo("other");
            final byte[] bytes = new byte[read.get(3).payloadLength()];
            read.get(3).payload().getBytes(read.get(3).payloadOffset(), bytes);
            assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"amount\":5}");
        }
        final VerifyReport report = JournalVerifier.verify(dir);
        assertThat(report.isCorrupt()).isFalse();
        assertThat(report.lastPosition()).isEqualTo(4);
    }

    @Test
    void shouldRefuseATraceparentItCannotStoreAndLeaveTheCommitAsItWas()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[4]);
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final JournalAppender appender = journal.appender();
            appender.begin();
            appender.add(1, "account", "acc-1", 1, "Deposited", 1, 10, "cmd-1", null, "cmd-1", 0, SAMPLED,
                payload, 0, 4);
            for (final String bad : new String[] {
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
                "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
                ""})
            {
                assertThatThrownBy(() -> appender.add(2, "account", "acc-1", 2, "Deposited", 1, 10, "cmd-1", null,
                    "cmd-1", 0, bad, payload, 0, 4)).as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            final String allF = "00-" + "f".repeat(32) + "-" + "f".repeat(16) + "-ff";
            appender.add(2, "account", "acc-1", 2, "Deposited", 1, 10, "cmd-1", null, "cmd-1", 0, allF, payload, 0, 4);
            appender.commit();
            assertThat(journal.lastPosition()).isEqualTo(2);
            assertThat(readAll(journal)).extracting(EventRecord::traceparent).containsExactly(SAMPLED, allF);
        }
    }

    @Test
    void shouldStoreTheTraceContextIn25BytesOfTheEvent()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[0]);
        final int[] lengths = new int[2];
        for (int i = 0; i < 2; i++)
        {
            final Path sub = dir.resolve("j" + i);
            try (Journal journal = Journal.open(Fixtures.config(sub).build()))
            {
                final JournalAppender appender = journal.appender();
                appender.begin();
                appender.add(1, "a", "b", 1, "c", 1, 1, "d", null, "d", 0, i == 0 ? null : SAMPLED, payload, 0, 0);
                appender.commit();
            }
            lengths[i] = (int)JournalVerifier.verify(sub).recordBytes();
        }
        assertThat(lengths[1] - lengths[0]).isEqualTo(CommitFormat.TRACE_LENGTH).isEqualTo(25);
    }

    private static List<EventRecord> readAll(final Journal journal)
    {
        final List<EventRecord> read = new ArrayList<>();
        try (JournalReader reader = journal.newReader())
        {
            final EventRecord e = new EventRecord();
            while (reader.next(e))
            {
                read.add(e.copy());
            }
        }
        return read;
    }
}
