package dev.strand.journal;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalSeekTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSeekToEveryPositionAcrossManyCommits()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final Random random = new Random(7);
            for (int c = 0; c < 700; c++)
            {
                Fixtures.append(journal, 1, 1 + random.nextInt(4), 16);
            }
            final long last = journal.lastPosition();
            assertThat(last).isGreaterThan(1000);
            try (JournalReader reader = journal.newReader())
            {
                final EventRecord e = new EventRecord();
                for (long p = last; p >= 1; p--)
                {
                    assertThat(reader.seek(p)).isTrue();
                    assertThat(reader.nextPosition()).isEqualTo(p);
                    assertThat(reader.next(e)).isTrue();
                    Fixtures.assertEvent(e, p, 16);
                    assertThat(e.commitFirstPosition()).isLessThanOrEqualTo(p);
                    assertThat(e.commitLastPosition()).isGreaterThanOrEqualTo(p);
                    if (p < last)
                    {
                        assertThat(reader.next(e)).isTrue();
                        Fixtures.assertEvent(e, p + 1, 16);
                    }
                }
            }
        }
    }

    @Test
    void shouldSeekAcrossRollCyclesIncludingSkippedCycles() throws IOException
    {
        final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        final JournalConfig config = Fixtures.config(dir).rollCycle(JournalRollCycle.TEST_SECONDLY).timeProvider(time).build();
        try (Journal journal = Journal.open(config))
        {
            final Random random = new Random(11);
            for (int cycle = 0; cycle < 25; cycle++)
            {
                time.advanceMillis(cycle % 5 == 4 ? 3000 : 1000);
                for (int c = 0, n = 1 + random.nextInt(12); c < n; c++)
                {
                    Fixtures.append(journal, 1, 1 + random.nextInt(3), 24);
                }
            }
            assertThat(CycleFileSurgery.cycleFiles(dir)).hasSize(25);
            assertThat(journal.rollCycle()).isEqualTo("TEST_SECONDLY");
            assertEverySeek(journal, 24);
        }
        time.advanceMillis(1000);
        try (Journal journal = Journal.open(config))
        {
            assertThat(journal.recoveryReport().eventsScanned()).isEqualTo(journal.lastPosition());
            assertEverySeek(journal, 24);
        }
    }

    @Test
    void shouldTailFromTheEndAndRefuseBeyondIt()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()); JournalReader reader = journal.newReader())
        {
            final EventRecord e = new EventRecord();
            assertThat(reader.seek(1)).isTrue();
            assertThat(reader.seek(2)).isFalse();
            assertThat(reader.next(e)).isFalse();
            assertThatThrownBy(() -> reader.seek(0)).isInstanceOf(IllegalArgumentException.class);

            Fixtures.append(journal, 10, 2, 8);
            assertThat(reader.seek(22)).isFalse();
            assertThat(reader.seek(21)).isTrue();
            assertThat(reader.next(e)).isFalse();
            Fixtures.append(journal, 1, 3, 8);
            assertThat(reader.next(e)).isTrue();
            Fixtures.assertEvent(e, 21, 8);
            assertThat(reader.next(e)).isTrue();
            assertThat(reader.next(e)).isTrue();
            Fixtures.assertEvent(e, 23, 8);
            assertThat(reader.next(e)).isFalse();
            assertThat(reader.nextPosition()).isEqualTo(24);
        }
    }

    private static void assertEverySeek(final Journal journal, final int payloadLength)
    {
        final long last = journal.lastPosition();
        try (JournalReader reader = journal.newReader())
        {
            final EventRecord e = new EventRecord();
            for (long p = 1; p <= last; p++)
            {
                assertThat(reader.next(e)).isTrue();
                Fixtures.assertEvent(e, p, payloadLength);
            }
            assertThat(reader.next(e)).isFalse();
            for (long p = 1; p <= last; p++)
            {
                assertThat(reader.seek(p)).isTrue();
                assertThat(reader.next(e)).isTrue();
                Fixtures.assertEvent(e, p, payloadLength);
            }
            assertThat(reader.seek(last + 1)).isTrue();
            assertThat(reader.next(e)).isFalse();
        }
    }
}
