package dev.strand.journal;

import dev.strand.journal.tools.JournalVerify;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Torn tails and mid-log corruption made on real cycle files.
 */
class JournalRecoveryTest
{
    private static final int PAYLOAD = 3000;
    private static final int RECORDS = 20;

    @TempDir
    Path dir;

    enum Damage
    {
        TRUNCATE_MID_RECORD,
        ZERO_TAIL_BYTES,
        RANDOM_BYTES
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void shouldDropTornTailDurablyAndKeepAppending(final Damage damage) throws IOException
    {
        writeMarkedJournal(RECORDS, RECORDS);
        final Path file = CycleFileSurgery.onlyCycleFile(dir);
        final long payloadAt = CycleFileSurgery.find(file, marker(RECORDS));
        switch (damage)
        {
            case TRUNCATE_MID_RECORD:
                CycleFileSurgery.truncate(file, payloadAt + PAYLOAD / 2);
                break;
            case ZERO_TAIL_BYTES:
                CycleFileSurgery.zero(file, payloadAt + PAYLOAD - 16, 20);
                break;
            case RANDOM_BYTES:
                CycleFileSurgery.random(file, payloadAt + 100, 200, 42);
                break;
            default:
                throw new AssertionError(damage);
        }

        assertThat(runVerify()).isEqualTo(JournalVerify.OK);

        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertThat(report.tornTailDropped()).isEqualTo(1);
            assertThat(report.droppedPositions()).containsExactly((long)RECORDS);
            assertThat(report.dropped().get(0).file()).isEqualTo(file);
            assertThat(journal.lastPosition()).isEqualTo(RECORDS - 1);
            assertThat(Files.exists(dir.resolve(DroppedIndexes.FILE_NAME))).isTrue();
            assertReadsBack(journal, RECORDS - 1);
            Fixtures.append(journal, 5, 2, 50);
            assertThat(journal.lastPosition()).isEqualTo(RECORDS - 1 + 10);
        }

        long last = RECORDS - 1 + 10;
        for (int reopen = 0; reopen < 2; reopen++)
        {
            try (Journal journal = Journal.open(Fixtures.config(dir).build()))
            {
                final RecoveryReport report = journal.recoveryReport();
                assertThat(report.tornTailDropped()).isZero();
                assertThat(report.previouslyDroppedIndexes()).hasSize(1);
                assertThat(journal.lastPosition()).isEqualTo(last);
                final EventRecord e = new EventRecord();
                try (JournalReader reader = journal.newReader())
                {
                    for (long p = 1; p <= last; p++)
                    {
                        assertThat(reader.next(e)).isTrue();
                        assertThat(e.position()).isEqualTo(p);
                    }
                    assertThat(reader.next(e)).isFalse();
                    assertThat(reader.seek(RECORDS)).isTrue();
                    assertThat(reader.next(e)).isTrue();
                    assertThat(e.position()).isEqualTo(RECORDS);
                    assertThat(e.payloadLength()).isEqualTo(50);
                }
                Fixtures.append(journal, 1, 1, 10);
                last++;
            }
        }
        assertThat(runVerify()).isEqualTo(JournalVerify.OK);
    }

    @Test
    void shouldDropTornTailWhenOnlyTheTailIsVerified() throws IOException
    {
        writeMarkedJournal(600, 600);
        final Path file = CycleFileSurgery.onlyCycleFile(dir);
        CycleFileSurgery.zero(file, CycleFileSurgery.find(file, marker(600)) + 8, 32);
        try (Journal journal = Journal.open(Fixtures.config(dir).verifyOnOpen(false).build()))
        {
            assertThat(journal.recoveryReport().fullVerify()).isFalse();
            assertThat(journal.recoveryReport().commitsScanned()).isLessThan(600);
            assertThat(journal.recoveryReport().tornTailDropped()).isEqualTo(1);
            assertThat(journal.lastPosition()).isEqualTo(599);
            Fixtures.append(journal, 1, 1, 10);
        }
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.lastPosition()).isEqualTo(600);
            assertThat(journal.recoveryReport().eventsScanned()).isEqualTo(600);
        }
    }

    @Test
    void shouldRefuseToOpenWhenAMiddleRecordHasAFlippedBit() throws IOException
    {
        writeMarkedJournal(RECORDS, 7);
        final Path file = CycleFileSurgery.onlyCycleFile(dir);
        CycleFileSurgery.flipBit(file, CycleFileSurgery.find(file, marker(7)) + 200, 3);

        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).build()))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("position 7")
            .hasMessageContaining(file.getFileName().toString())
            .satisfies(ex ->
            {
                final JournalCorruptedException jce = (JournalCorruptedException)ex;
                assertThat(jce.file()).isEqualTo(file);
                assertThat(jce.position()).isEqualTo(7);
            });
        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).verifyOnOpen(false).build()))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("position 7");
        assertThat(Files.exists(dir.resolve(DroppedIndexes.FILE_NAME))).isFalse();

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(JournalVerify.verify(dir, new PrintStream(out, true), System.err))
            .isEqualTo(JournalVerify.CORRUPT);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("CORRUPT").contains("position 7")
            .contains(file.toString())
            .as("damage in the middle is not called a torn tail the next open would drop")
            .doesNotContain("the next open drops them").contains("not a torn tail");
    }

    /** A lost write: Chronicle recorded the excerpt (index, write position) but its header word reads as zero. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {7, RECORDS})
    void shouldRefuseToOpenWhenARecordHeaderIsZeroed(final int zeroed) throws IOException
    {
        writeMarkedJournal(RECORDS, zeroed);
        final Path file = CycleFileSurgery.onlyCycleFile(dir);
        CycleFileSurgery.zero(file, excerptHeader(file, CycleFileSurgery.find(file, marker(zeroed))), 4);

        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).build()))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("position " + zeroed)
            .hasMessageContaining("reads as zero")
            .satisfies(ex -> assertThat(((JournalCorruptedException)ex).file()).isEqualTo(file));
        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).verifyOnOpen(false).build()))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("position " + zeroed);
        assertThat(runVerify()).isEqualTo(JournalVerify.CORRUPT);
    }

    /** The 4-aligned Chronicle header word of the data excerpt that holds the byte at {@code inside}. */
    private static long excerptHeader(final Path file, final long inside) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (long h = inside & ~3L; h > 0; h -= 4)
            {
                word.clear();
                channel.read(word, h);
                final int header = word.getInt(0);
                final int length = header & 0x3FFFFFFF;
                // a record's first bytes: format version, commit flags 0, reserved 0 (random payload or chain hash
                // bytes rarely look like that as well as like a plausible header word)
                if ((header & 0xC0000000) == 0 && length > 0 && length < 1 << 16 && h + 4 + length > inside &&
                    word.get(4) == CommitFormat.FORMAT_VERSION && word.get(5) == 0 && word.getShort(6) == 0)
                {
                    return h;
                }
            }
        }
        throw new AssertionError("no excerpt header before offset " + inside);
    }

    @Test
    void shouldFailReaderOnBadChecksumAndStayOnTheBadRecord() throws IOException
    {
        writeMarkedJournal(RECORDS, 5);
        final Path file = CycleFileSurgery.onlyCycleFile(dir);
        final long at = CycleFileSurgery.find(file, marker(5));
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            CycleFileSurgery.flipBit(file, at + 10, 0);
            try (JournalReader reader = journal.newReader())
            {
                final EventRecord e = new EventRecord();
                for (int p = 1; p <= 4; p++)
                {
                    assertThat(reader.next(e)).isTrue();
                }
                for (int attempt = 0; attempt < 2; attempt++)
                {
                    assertThatThrownBy(() -> reader.next(e))
                        .isInstanceOf(JournalCorruptedException.class)
                        .hasMessageContaining("position 5")
                        .hasMessageContaining("CRC32C")
                        .hasMessageContaining(file.toString());
                }
            }
        }
    }

    @Test
    void shouldRemoveACycleFileWhoseHeaderWasNeverWrittenAndOpenPromptly() throws IOException
    {
        final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        final JournalConfig config = Fixtures.config(dir).rollCycle(JournalRollCycle.TEST_SECONDLY).timeProvider(time).build();
        try (Journal journal = Journal.open(config))
        {
            Fixtures.append(journal, 3, 1, 20);
        }
        // kill -9 at a roll: Chronicle created the next cycle file, then died before writing its header
        final Path written = CycleFileSurgery.onlyCycleFile(dir);
        final DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss'T'");
        final String stem = written.getFileName().toString().replace(".cq4", "");
        final Path unborn = dir.resolve(LocalDateTime.parse(stem, format).plusSeconds(1).format(format) + ".cq4");
        try (FileChannel channel = FileChannel.open(unborn, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(1), (1 << 20) - 1);
        }

        time.advanceMillis(2000);
        final long start = System.nanoTime();
        try (Journal journal = Journal.open(config))
        {
            // left in place, every access to the unborn file waits out Chronicle's 10 s timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(Files.exists(unborn)).isFalse();
            assertThat(journal.lastPosition()).isEqualTo(3);
            Fixtures.append(journal, 2, 1, 20);
            assertThat(journal.lastPosition()).isEqualTo(5);
            try (JournalReader reader = journal.newReader())
            {
                final EventRecord e = new EventRecord();
                for (long p = 1; p <= 5; p++)
                {
                    assertThat(reader.next(e)).isTrue();
                    Fixtures.assertEvent(e, p, 20);
                }
                assertThat(reader.next(e)).isFalse();
            }
        }
        assertThat(runVerify()).isEqualTo(JournalVerify.OK);
    }

    @Test
    void shouldRefuseASecondOpenOfTheSameDirectory()
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already open");
            assertThat(journal.lastPosition()).isZero();
        }
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.isClosed()).isFalse();
        }
    }

    private int runVerify()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        return JournalVerify.verify(dir, new PrintStream(out, true), System.err);
    }

    static byte[] marker(final long position)
    {
        return String.format("<<MARKER-%08d>>", position).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code records} single-event commits; the payload of {@code markedPosition} starts with its marker.
     */
    private void writeMarkedJournal(final int records, final int markedPosition)
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PAYLOAD]);
            final JournalAppender appender = journal.appender();
            for (long p = 1; p <= records; p++)
            {
                buffer.setMemory(0, PAYLOAD, (byte)p);
                if (p == markedPosition)
                {
                    buffer.putBytes(0, marker(p));
                }
                appender.begin();
                appender.add(p, "account", "a-" + p, p, "Deposited", 1, p, "cmd-" + p, null, null, buffer, 0, PAYLOAD);
                appender.commit();
            }
        }
    }

    private static void assertReadsBack(final Journal journal, final long last)
    {
        try (JournalReader reader = journal.newReader())
        {
            final EventRecord e = new EventRecord();
            for (long p = 1; p <= last; p++)
            {
                assertThat(reader.next(e)).isTrue();
                assertThat(e.position()).isEqualTo(p);
                assertThat(e.payload().getByte(e.payloadOffset() + PAYLOAD - 1)).isEqualTo((byte)p);
            }
            assertThat(reader.next(e)).isFalse();
        }
    }
}
