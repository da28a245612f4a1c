package dev.strand.cluster;

import dev.strand.journal.Journal;
import dev.strand.journal.JournalConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReconcilingAppenderTest
{
    private static final UnsafeBuffer PAYLOAD = new UnsafeBuffer(new byte[8]);

    @TempDir
    Path dir;

    @Test
    void shouldCheckAndSkipWhatTheJournalHoldsAndAppendTheRest()
    {
        try (Journal journal = open())
        {
            final ReconcilingAppender first = new ReconcilingAppender(journal);
            commit(first, 1, "acc-1", 1, "c-1");
            commit(first, 2, "acc-1", 2, "c-2");
            first.close();
            assertThat(journal.lastPosition()).isEqualTo(2);

            final ReconcilingAppender replay = new ReconcilingAppender(journal);
            commit(replay, 1, "acc-1", 1, "c-1");
            commit(replay, 2, "acc-1", 2, "c-2");
            commit(replay, 3, "acc-1", 3, "c-3");
            assertThat(replay.skippedEvents()).isEqualTo(2);
            assertThat(journal.lastPosition()).as("written once: only the new position was appended").isEqualTo(3);
            replay.close();
        }
    }

    @Test
    void shouldRefuseAReplayThatDiffersFromTheJournal()
    {
        try (Journal journal = open())
        {
            final ReconcilingAppender first = new ReconcilingAppender(journal);
            commit(first, 1, "acc-1", 1, "c-1");
            first.close();
            final ReconcilingAppender replay = new ReconcilingAppender(journal);
            assertThatThrownBy(() -> commit(replay, 1, "acc-1", 1, "other"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("disagree at position 1");
            replay.close();
        }
    }

    @Test
    void shouldRefuseACommitThatStartsInsideTheJournalAndEndsBeyondIt()
    {
        try (Journal journal = open())
        {
            final ReconcilingAppender first = new ReconcilingAppender(journal);
            commit(first, 1, "acc-1", 1, "c-1");
            first.close();
            final ReconcilingAppender replay = new ReconcilingAppender(journal);
            replay.begin();
            add(replay, 1, "acc-1", 1, "c-1");
            assertThatThrownBy(() -> add(replay, 2, "acc-1", 2, "c-1")).hasMessageContaining("ends at 1");
            replay.abort();
            replay.close();
        }
    }

    private Journal open()
    {
        return Journal.open(JournalConfig.builder(dir.resolve("journal")).preallocate(false).minFreeBytes(0).build());
    }

    private static void commit(final ReconcilingAppender appender, final long position, final String aggregate,
        final long version, final String commandId)
    {
        appender.begin();
        add(appender, position, aggregate, version, commandId);
        appender.commit();
    }

    private static void add(final ReconcilingAppender appender, final long position, final String aggregate,
        final long version, final String commandId)
    {
        appender.add(position, "account", aggregate, version, "Deposited", 1, 1_000, commandId, null, commandId, 7,
            PAYLOAD, 0, PAYLOAD.capacity());
    }
}
