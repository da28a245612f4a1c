package dev.strand.journal;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class JournalTailingTest
{
    private static final int PAYLOAD = 40;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldTailWhileAnotherThreadAppendsAcrossRollsWithPreallocation() throws Exception
    {
        final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        final JournalConfig config = JournalConfig.builder(dir)
            .rollCycle(JournalRollCycle.TEST_SECONDLY)
            .timeProvider(time)
            .minFreeBytes(0)
            .preallocate(true)
            .preallocateAheadBytes(512 << 10)
            .preallocateMarginBytes(128 << 10)
            .preallocateChunkBytes(64 << 10)
            .build();
        final long total = 30_000;
        try (Journal journal = Journal.open(config))
        {
            final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    final Random random = new Random(3);
                    while (journal.lastPosition() < total)
                    {
                        final int events = (int)Math.min(1 + random.nextInt(5), total - journal.lastPosition());
                        Fixtures.append(journal, 1, events, PAYLOAD);
                        if (random.nextInt(3000) == 0)
                        {
                            time.advanceMillis(1000);
                        }
                    }
                }
                catch (final Throwable t)
                {
                    writerFailure.set(t);
                }
            }, "test-writer");

            final CompletableFuture<Long> tail = CompletableFuture.supplyAsync(() ->
            {
                try (JournalReader reader = journal.newReader())
                {
                    final EventRecord e = new EventRecord();
                    long expected = 1;
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
                    while (expected <= total)
                    {
                        if (reader.next(e))
                        {
                            Fixtures.assertEvent(e, expected, PAYLOAD);
                            expected++;
                        }
                        else
                        {
                            if (System.nanoTime() > deadline || writerFailure.get() != null)
                            {
                                throw new AssertionError("tail stalled at " + expected, writerFailure.get());
                            }
                            Thread.yield();
                        }
                    }
                    return expected - 1;
                }
            });
            writer.start();
            assertThat(tail.get(55, TimeUnit.SECONDS)).isEqualTo(total);
            writer.join();
            assertThat(writerFailure.get()).isNull();
            assertThat(CycleFileSurgery.cycleFiles(dir).size()).isGreaterThan(1);
        }
    }
}
