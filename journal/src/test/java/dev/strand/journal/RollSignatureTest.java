package dev.strand.journal;

import dev.strand.journal.tools.JournalVerify;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a power loss right after a roll leaves: the old cycle's end-of-cycle marker never reached the disk, so the
 * old cycle ends in zeros while the next cycle carries on. Recovery completes the marker; real damage at a roll is
 * still refused, saying what was seen.
 */
class RollSignatureTest
{
    private static final int PAYLOAD = 200;

    @TempDir
    Path dir;

    private final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);

    @Test
    void shouldCompleteAMissingEndOfCycleMarkerAndOpenEverything() throws IOException
    {
        writeThreeCycles(7, 5, 6);
        final List<Path> files = CycleFileSurgery.cycleFiles(dir);
        assertThat(files).hasSize(3);
        final long marker = endOfCycleMarker(files.get(0));
        final byte[] chronicles = read(files.get(0), marker, 8);
        CycleFileSurgery.zero(files.get(0), marker, 8);
        assertThat(runVerify()).isEqualTo(JournalVerify.OK);

        try (Journal journal = Journal.open(config()))
        {
            assertThat(journal.lastPosition()).isEqualTo(18);
            assertReadsBack(journal, 18);
            Fixtures.append(journal, 2, 1, PAYLOAD);
            assertReadsBack(journal, 20);
        }
        assertThat(endOfCycleMarker(files.get(0))).isEqualTo(marker);
        assertThat(read(files.get(0), marker, 8)).as("the marker as Chronicle writes it").isEqualTo(chronicles);
        try (Journal journal = Journal.open(config()))
        {
            assertReadsBack(journal, 20);
        }
        assertThat(runVerify()).isEqualTo(JournalVerify.OK);
    }

    @Test
    void shouldCompleteMarkersOfTwoCyclesInARow() throws IOException
    {
        writeThreeCycles(4, 4, 4);
        final List<Path> files = CycleFileSurgery.cycleFiles(dir);
        CycleFileSurgery.zero(files.get(0), endOfCycleMarker(files.get(0)), 8);
        CycleFileSurgery.zero(files.get(1), endOfCycleMarker(files.get(1)), 8);
        try (Journal journal = Journal.open(config()))
        {
            assertThat(journal.lastPosition()).isEqualTo(12);
            assertReadsBack(journal, 12);
        }
        try (Journal journal = Journal.open(builder().verifyOnOpen(false).build()))
        {
            assertReadsBack(journal, 12);
        }
    }

    @Test
    void shouldCompleteTheMarkerWhenOnlyTheTailIsVerified() throws IOException
    {
        writeThreeCycles(7, 5, 6);
        final Path first = CycleFileSurgery.cycleFiles(dir).get(0);
        CycleFileSurgery.zero(first, endOfCycleMarker(first), 8);
        try (Journal journal = Journal.open(builder().verifyOnOpen(false).build()))
        {
            assertReadsBack(journal, 18);
        }
    }

    @Test
    void shouldRefuseAGapAtTheRoll() throws IOException
    {
        writeThreeCycles(7, 5, 6);
        final Path first = CycleFileSurgery.cycleFiles(dir).get(0);
        // the last record of the first cycle was lost with the marker: position 7 never reached the disk
        final long lastRecord = CycleFileSurgery.find(first, RollSignatureTest.marker(7));
        final long header = headerBefore(first, lastRecord);
        CycleFileSurgery.zero(first, header, (int)(endOfCycleMarker(first) + 8 - header));

        assertThatThrownBy(() -> Journal.open(config()))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("position gap at a roll")
            .hasMessageContaining("ends at position 6")
            .hasMessageContaining("starts at position 8");
        assertThat(runVerify()).isEqualTo(JournalVerify.CORRUPT);
    }

    @Test
    void shouldRefuseAZeroedHeaderWithDataAfterItInTheSameCycle() throws IOException
    {
        writeThreeCycles(7, 5, 6);
        final Path first = CycleFileSurgery.cycleFiles(dir).get(0);
        final long fifth = headerBefore(first, CycleFileSurgery.find(first, RollSignatureTest.marker(5)));
        CycleFileSurgery.zero(first, endOfCycleMarker(first), 8);
        CycleFileSurgery.zero(first, fifth, 4);

        assertThatThrownBy(() -> Journal.open(config()))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("position 5")
            .hasMessageContaining("non-zero bytes")
            .hasMessageNotContaining("media damage, not a crash");
        assertThat(runVerify()).isEqualTo(JournalVerify.CORRUPT);
    }

    @Test
    void shouldFsyncTheOldCycleAndTheDirectoryAtEachRollInSyncMode()
    {
        try (Journal journal = Journal.open(builder().durability(Durability.SYNC).build()))
        {
            for (int roll = 0; roll < 3; roll++)
            {
                Fixtures.append(journal, 4, 1, PAYLOAD);
                Fixtures.append(journal, 4, 1, PAYLOAD);
                assertThat(journal.rollSyncs()).isEqualTo(roll);
                time.advanceMillis(1000);
            }
            Fixtures.append(journal, 1, 1, PAYLOAD);
            assertThat(journal.rollSyncs()).isEqualTo(3);
            assertThat(journal.rollSyncNanos()).isPositive();
        }
        try (Journal journal = Journal.open(builder().durability(Durability.ASYNC).build()))
        {
            time.advanceMillis(1000);
            Fixtures.append(journal, 4, 1, PAYLOAD);
            assertThat(journal.rollSyncs()).isZero();
            assertReadsBack(journal, 29);
        }
        try (Journal journal = Journal.open(builder().durability(Durability.SYNC).build()))
        {
            time.advanceMillis(1000);
            Fixtures.append(journal, 1, 1, PAYLOAD);
            assertThat(journal.rollSyncs()).as("the first commit after open rolls from the cycle the last run ended in")
                .isEqualTo(1);
        }
    }

    private JournalConfig config()
    {
        return builder().build();
    }

    private JournalConfig.Builder builder()
    {
        return Fixtures.config(dir).rollCycle(JournalRollCycle.TEST_SECONDLY).timeProvider(time);
    }

    /** Three cycle files of marked single-event commits; the journal is closed cleanly after each roll. */
    private void writeThreeCycles(final int... perCycle)
    {
        long position = 0;
        try (Journal journal = Journal.open(config()))
        {
            final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[PAYLOAD]);
            for (final int n : perCycle)
            {
                for (int i = 0; i < n; i++)
                {
                    position++;
                    buffer.setMemory(0, PAYLOAD, (byte)position);
                    buffer.putBytes(0, marker(position));
                    final JournalAppender appender = journal.appender();
                    appender.begin();
                    appender.add(position, "account", "a-" + position, position, "Deposited", 1, position,
                        "cmd-" + position, null, null, buffer, 0, PAYLOAD);
                    appender.commit();
                    appender.flush();
                }
                time.advanceMillis(1000);
            }
        }
    }

    static byte[] marker(final long position)
    {
        return String.format("<<ROLL-%08d>>", position).getBytes(StandardCharsets.US_ASCII);
    }

    /** The offset of the end-of-cycle marker's header word: the first 4-aligned 0xC0000000 after the data. */
    private static long endOfCycleMarker(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            long at = 0;
            while (at + 4 <= channel.size())
            {
                word.clear();
                channel.read(word, at);
                final int header = word.getInt(0);
                if (header == ChronicleQueues.END_OF_DATA)
                {
                    return at;
                }
                if (header == 0)
                {
                    throw new AssertionError("no end-of-cycle marker in " + file + " (zero word at " + at + ")");
                }
                at = (at + 4 + (header & ChronicleQueues.LENGTH_MASK) + 3) & ~3L;
            }
        }
        throw new AssertionError("no end-of-cycle marker in " + file);
    }

    /** The header word of the excerpt that holds {@code inside}, found by walking headers from the start. */
    private static long headerBefore(final Path file, final long inside) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            long at = 0;
            while (true)
            {
                word.clear();
                channel.read(word, at);
                final long next = (at + 4 + (word.getInt(0) & ChronicleQueues.LENGTH_MASK) + 3) & ~3L;
                if (next > inside)
                {
                    return at;
                }
                at = next;
            }
        }
    }

    private static byte[] read(final Path file, final long offset, final int length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(length);
            channel.read(bytes, offset);
            return bytes.array();
        }
    }

    private int runVerify()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        return JournalVerify.verify(dir, new PrintStream(out, true), System.err);
    }

    private static void assertReadsBack(final Journal journal, final long last)
    {
        try (JournalReader reader = journal.newReader())
        {
            final EventRecord e = new EventRecord();
            for (long p = 1; p <= last; p++)
            {
                assertThat(reader.next(e)).as("position %d", p).isTrue();
                assertThat(e.position()).isEqualTo(p);
            }
            assertThat(reader.next(e)).isFalse();
        }
    }
}
