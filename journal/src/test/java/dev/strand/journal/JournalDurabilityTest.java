package dev.strand.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalDurabilityTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAppendFlushAndReadBackInSyncMode()
    {
        final JournalConfig config = Fixtures.config(dir).durability(Durability.SYNC).build();
        try (Journal journal = Journal.open(config))
        {
            for (int batch = 0; batch < 20; batch++)
            {
                Fixtures.append(journal, 5, 2, 64);
            }
            assertThat(journal.lastPosition()).isEqualTo(200);
        }
        try (Journal journal = Journal.open(config); JournalReader reader = journal.newReader())
        {
            final EventRecord e = new EventRecord();
            for (long p = 1; p <= 200; p++)
            {
                assertThat(reader.next(e)).isTrue();
                Fixtures.assertEvent(e, p, 64);
            }
            assertThat(reader.next(e)).isFalse();
        }
    }

    @Test
    void shouldRefuseCommitBelowTheFreeSpaceFloorWithoutWriting()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).minFreeBytes(Long.MAX_VALUE).build()))
        {
            assertThat(journal.freeBytes()).isPositive();
            final JournalAppender appender = journal.appender();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4]);
            appender.begin();
            appender.add(1, "a", "b", 1, "E", 1, 0, "c", null, null, buffer, 0, 4);
            assertThatThrownBy(appender::commit)
                .isInstanceOf(JournalFullException.class)
                .isInstanceOf(JournalWriteException.class)
                .hasMessageContaining("minFreeBytes");
            assertThat(journal.lastPosition()).isZero();
            appender.abort();
            appender.begin();
            appender.commit();
            assertThat(journal.lastPosition()).isZero();
        }
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.lastPosition()).isZero();
            assertThat(journal.recoveryReport().commitsScanned()).isZero();
        }
    }

    @Test
    void shouldRejectMisuseOfTheAppender()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final JournalAppender appender = journal.appender();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4]);
            assertThatThrownBy(appender::commit).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> appender.add(1, "a", "b", 1, "E", 1, 0, null, null, null, buffer, 0, 4))
                .isInstanceOf(IllegalStateException.class);
            appender.begin();
            assertThatThrownBy(appender::begin).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> appender.add(1, "a", "b", 1, "E", 1, 0, null, null, null, buffer, 2, 4))
                .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> appender.add(1, "x".repeat(70_000), "b", 1, "E", 1, 0, null, null, null,
                buffer, 0, 4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aggregateType");
            appender.add(1, "a", "b", 1, "E", 1, 0, null, null, null, buffer, 0, 4);
            appender.commit();
            assertThat(journal.lastPosition()).isEqualTo(1);
        }
        final Journal closed = Journal.open(Fixtures.config(dir).build());
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.appender().begin()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(closed::newReader).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldNotAllocateOnTheAppendPathInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final JournalAppender appender = journal.appender();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[100]);
            final String aggregateId = "acc-\u00e9-1";
            final String commandId = "cmd-1";
            appendMany(journal, appender, payload, aggregateId, commandId, 30_000);
            final long threadId = Thread.currentThread().getId();
            final long before = threads.getThreadAllocatedBytes(threadId);
            appendMany(journal, appender, payload, aggregateId, commandId, 20_000);
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            assertThat(allocated).as("bytes allocated by 20,000 commits").isLessThan(16 * 1024);
        }
    }

    private static void appendMany(
        final Journal journal,
        final JournalAppender appender,
        final UnsafeBuffer payload,
        final String aggregateId,
        final String commandId,
        final int commits)
    {
        for (int i = 0; i < commits; i++)
        {
            final long position = journal.lastPosition() + 1;
            appender.begin();
            appender.add(position, "account", aggregateId, position, "Deposited", 1, position, commandId, commandId,
                commandId, payload, 0, 100);
            appender.commit();
            appender.flush();
        }
    }
}
