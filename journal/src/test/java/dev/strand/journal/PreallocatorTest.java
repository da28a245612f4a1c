package dev.strand.journal;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pre-allocator must never overwrite a record: append a lot with small chunks so it runs many times in
 * between commits (waiting for it after each batch, never sleeping), then check every record and checksum.
 */
class PreallocatorTest
{
    private static final long CHUNK = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void shouldNeverOverwriteARecordWhilePreallocatingAheadAcrossRolls()
    {
        final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        final JournalConfig config = JournalConfig.builder(dir)
            .rollCycle(JournalRollCycle.TEST_SECONDLY)
            .timeProvider(time)
            .minFreeBytes(0)
            .preallocate(true)
            .preallocateAheadBytes(CHUNK * 8)
            .preallocateMarginBytes(CHUNK * 2)
            .preallocateChunkBytes(CHUNK)
            .build();
        final Random random = new Random(5);
        try (Journal journal = Journal.open(config))
        {
            final Preallocator preallocator = journal.preallocator();
            assertThat(threadNamed(Preallocator.THREAD_NAME)).isTrue();
            for (int batch = 0; batch < 150; batch++)
            {
                if (batch % 30 == 29)
                {
                    time.advanceMillis(1000);
                }
                final long chunksBefore = preallocator.chunksWritten();
                long bytes = 0;
                while (bytes < CHUNK + 4096)
                {
                    final int events = 1 + random.nextInt(3);
                    final int payload = 50 + random.nextInt(400);
                    Fixtures.append(journal, 1, events, payload);
                    bytes += events * (payload + 90L);
                }
                Fixtures.await(() -> preallocator.chunksWritten() > chunksBefore, 10_000,
                    "the pre-allocator to write a chunk after batch " + batch);
            }
            assertThat(preallocator.chunksWritten()).isGreaterThan(150);
            assertThat(preallocator.filesFollowed()).isGreaterThanOrEqualTo(5);
            assertThat(journal.preallocatedBytes()).isEqualTo(preallocator.chunksWritten() * CHUNK);
        }

        final VerifyReport report = JournalVerifier.verify(dir);
        assertThat(report.isCorrupt()).as(report.summary()).isFalse();
        assertThat(report.tornTail()).as(report.summary()).isEmpty();
        assertThat(report.events()).isEqualTo(report.lastPosition());
        assertThat(report.cycleFiles()).hasSizeGreaterThanOrEqualTo(5);

        try (Journal journal = Journal.open(Fixtures.config(dir).build()); JournalReader reader = journal.newReader())
        {
            final EventRecord e = new EventRecord();
            long position = 0;
            while (reader.next(e))
            {
                position++;
                assertThat(e.position()).isEqualTo(position);
                final byte[] expected = Fixtures.payloadFor(position, e.payloadLength());
                for (int i = 0; i < expected.length; i++)
                {
                    assertThat(e.payload().getByte(e.payloadOffset() + i)).isEqualTo(expected[i]);
                }
            }
            assertThat(position).isEqualTo(journal.lastPosition()).isEqualTo(report.lastPosition());
        }
    }

    @Test
    void shouldStopThePreallocatorThreadOnClose()
    {
        final Journal journal = Journal.open(JournalConfig.builder(dir).minFreeBytes(0).build());
        Fixtures.append(journal, 10, 1, 10);
        assertThat(threadNamed(Preallocator.THREAD_NAME)).isTrue();
        journal.close();
        Fixtures.await(() -> !threadNamed(Preallocator.THREAD_NAME), 10_000, "the pre-allocator to stop");
    }

    private static boolean threadNamed(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
