package dev.strand.journal;

import dev.strand.journal.tools.JournalVerify;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
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
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hash chain: every commit's chain hash is the SHA-256 of the previous one and its own bytes, as
 * journal/README.md specifies; an edit that keeps the CRC32C valid is found and named; older formats open and the
 * chain starts at the first chained commit.
 */
class HashChainTest
{
    private static final int PAYLOAD = 24;

    @TempDir
    Path dir;

    @Test
    void shouldChainEveryCommitAsTheFormatSpecifies() throws Exception
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.head()).isEqualTo(new JournalHead(0, "0".repeat(64), 1));
            Fixtures.append(journal, 5, 1, PAYLOAD);
            Fixtures.append(journal, 3, 3, PAYLOAD);
        }
        final List<byte[]> records = rawRecords(dir);
        assertThat(records).hasSize(8);
        byte[] previous = new byte[32];
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (final byte[] record : records)
        {
            assertThat(record[0]).as("format version").isEqualTo((byte)4);
            final int hashAt = record.length - 4 - 32;
            sha.update(previous);
            sha.update(record, 0, hashAt);
            final byte[] expected = sha.digest();
            final byte[] stored = java.util.Arrays.copyOfRange(record, hashAt, hashAt + 32);
            assertThat(stored).as("chain hash").isEqualTo(expected);
            final CRC32C crc = new CRC32C();
            crc.update(record, 0, record.length - 4);
            assertThat(ByteBuffer.wrap(record, record.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .as("CRC32C covers the chain hash").isEqualTo((int)crc.getValue());
            previous = stored;
        }
        final String head = HexFormat.of().formatHex(previous);
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.head()).isEqualTo(new JournalHead(14, head, 1));
            assertThat(journal.chainLinkAt(14)).isEqualTo(new ChainLink(14, head, null));
            assertThat(journal.chainLinkAt(13).problem()).contains("inside commit 12..14");
            assertThat(journal.chainLinkAt(15).found()).isFalse();
            try (JournalReader reader = journal.newReader())
            {
                final EventRecord event = new EventRecord();
                reader.seek(13);
                assertThat(reader.next(event)).isTrue();
                assertThat(event.chainHashHex()).isEqualTo(head);
                assertThat(event.copy().chainHashHex()).isEqualTo(head);
            }
            // the chain goes on from the head recovered at open
            Fixtures.append(journal, 1, 1, PAYLOAD);
        }
        final byte[] last = rawRecords(dir).get(8);
        sha.update(previous);
        sha.update(last, 0, last.length - 36);
        assertThat(java.util.Arrays.copyOfRange(last, last.length - 36, last.length - 4)).isEqualTo(sha.digest());
        assertThat(JournalVerifier.verify(dir).headHash()).isEqualTo(HexFormat.of().formatHex(
            java.util.Arrays.copyOfRange(last, last.length - 36, last.length - 4)));
    }

    @Test
    void shouldNameACommitEditedWithItsCrcFixedAndRefuseToOpen() throws Exception
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            Fixtures.append(journal, 20, 1, PAYLOAD);
        }
        final Path file = CycleFileSurgery.onlyCycleFile(dir);
        editPayloadKeepingCrc(file, 9);

        assertThat(JournalVerifier.verify(dir).corruption().reason()).contains("hash chain broken at commit 9..9")
            .contains("CRC32C is valid");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(JournalVerify.verify(dir, new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
            .isEqualTo(JournalVerify.CORRUPT);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("status           CORRUPT")
            .contains("position 9").contains("hash chain broken at commit 9..9");
        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).build()))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("journal corrupted at position 9")
            .hasMessageContaining("hash chain broken at commit 9..9");
        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).verifyOnOpen(false).build()))
            .as("the tail walk checks the chain too")
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("hash chain broken at commit 9..9");
        assertThat(CycleFileSurgery.cycleFiles(dir)).containsExactly(file);
    }

    @Test
    void shouldRefuseAnEditedLastCommitThoughNothingFollowsIt() throws Exception
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            Fixtures.append(journal, 5, 1, PAYLOAD);
        }
        editPayloadKeepingCrc(CycleFileSurgery.onlyCycleFile(dir), 5);
        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).build()))
            .as("an edit is not a torn tail: its CRC32C is valid")
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("hash chain broken at commit 5..5");
    }

    @Test
    void shouldStartTheChainAtTheFirstCommitAfterCommitsWithoutIt() throws Exception
    {
        try (Journal journal = Journal.open(Fixtures.config(dir).unchainedForMeasurement(true).build()))
        {
            Fixtures.append(journal, 4, 1, PAYLOAD);
            assertThat(journal.head()).isEqualTo(new JournalHead(4, "0".repeat(64), 1));
        }
        assertThat(rawRecords(dir)).allSatisfy(record -> assertThat(record[0]).isEqualTo((byte)2));
        final String head;
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            assertThat(journal.chainLinkAt(4).problem()).contains("predates the hash chain");
            Fixtures.append(journal, 3, 1, PAYLOAD);
            head = journal.head().hash();
        }
        final VerifyReport report = JournalVerifier.verify(dir);
        assertThat(report.isCorrupt()).isFalse();
        assertThat(report.chainStart()).isEqualTo(5);
        assertThat(report.headHash()).isEqualTo(head);
        final List<byte[]> records = rawRecords(dir);
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(new byte[32]);
        final byte[] fifth = records.get(4);
        sha.update(fifth, 0, fifth.length - 36);
        assertThat(java.util.Arrays.copyOfRange(fifth, fifth.length - 36, fifth.length - 4))
            .as("the first chained commit links to 32 zero bytes").isEqualTo(sha.digest());

        assertThatThrownBy(() -> Journal.open(Fixtures.config(dir).unchainedForMeasurement(true).build()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("has a hash chain");
    }

    @Test
    void shouldRefuseACommitWithoutChainHashAfterTheChainStarted() throws Exception
    {
        final Path chained = dir.resolve("chained");
        final Path unchained = dir.resolve("unchained");
        try (Journal journal = Journal.open(Fixtures.config(chained).build()))
        {
            Fixtures.append(journal, 3, 1, PAYLOAD);
        }
        try (Journal journal = Journal.open(Fixtures.config(unchained).unchainedForMeasurement(true).build()))
        {
            Fixtures.append(journal, 5, 1, PAYLOAD);
        }
        // commits 1-3 chained, then 4-5 as a build before the chain wrote them: a chained history rewritten
        final Path spliced = dir.resolve("spliced");
        final List<byte[]> records = new ArrayList<>(rawRecords(chained));
        final List<byte[]> old = rawRecords(unchained);
        records.add(old.get(3));
        records.add(old.get(4));
        writeRaw(spliced, records);

        assertThat(JournalVerifier.verify(spliced).corruption().reason())
            .contains("commit 4..4 is in format 2, without a chain hash, but the hash chain started at position 1");
        assertThatThrownBy(() -> Journal.open(Fixtures.config(spliced).build()))
            .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("journal corrupted at position 4");
    }

    @Test
    void verifyShouldCompareAHeadStoredElsewhere() throws Exception
    {
        final String head5;
        final String head8;
        try (Journal journal = Journal.open(Fixtures.config(dir).build()))
        {
            Fixtures.append(journal, 5, 1, PAYLOAD);
            head5 = journal.head().hash();
            Fixtures.append(journal, 1, 3, PAYLOAD);
            head8 = journal.head().hash();
        }
        assertThat(verify("5:" + head5)).isEqualTo(JournalVerify.OK);
        assertThat(lastOut).contains("expected head    5:" + head5 + " MATCHES");
        assertThat(verify("8:" + head8.toUpperCase(java.util.Locale.ROOT))).isEqualTo(JournalVerify.OK);
        assertThat(verify("8:" + head5)).isEqualTo(JournalVerify.CORRUPT);
        assertThat(lastOut).contains("DOES NOT MATCH: the journal's chain hash there is " + head8);
        assertThat(verify("7:" + head8)).isEqualTo(JournalVerify.CORRUPT);
        assertThat(lastOut).contains("inside commit 6..8");
        assertThat(verify("9:" + head8)).isEqualTo(JournalVerify.CORRUPT);
        assertThat(lastOut).contains("the journal ends at position 8");
        assertThat(verify("x:" + head8)).isEqualTo(JournalVerify.USAGE);
        assertThat(verify("8:abc")).isEqualTo(JournalVerify.USAGE);
        assertThat(lastErr).contains("--expect-head: the hash must be 64 hex digits");
    }

    private String lastOut;
    private String lastErr;

    private int verify(final String expectHead)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = JournalVerify.verify(dir, expectHead, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        lastOut = out.toString(StandardCharsets.UTF_8);
        lastErr = err.toString(StandardCharsets.UTF_8);
        return status;
    }

    /**
     * Changes one payload byte of the commit holding {@code position} (one event per commit, Fixtures' payloads) and
     * writes a CRC32C that matches the edit: what someone altering history with care would do.
     */
    static void editPayloadKeepingCrc(final Path file, final long position) throws IOException
    {
        final byte[] payload = Fixtures.payloadFor(position, PAYLOAD);
        final long payloadAt = CycleFileSurgery.find(file, payload);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            // the record ends after the payload: chain hash (32) and CRC32C (4); it starts after Chronicle's header word
            final long recordEnd = payloadAt + PAYLOAD + 32 + 4;
            long start = payloadAt & ~3L;
            final ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (true)
            {
                word.clear();
                channel.read(word, start - 4);
                if ((word.getInt(0) & 0x3FFFFFFF) == recordEnd - start)
                {
                    break;
                }
                start -= 4;
            }
            final ByteBuffer record = ByteBuffer.allocate((int)(recordEnd - start));
            channel.read(record, start);
            final byte[] bytes = record.array();
            bytes[(int)(payloadAt - start) + 3] ^= 0x40;
            final CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int)crc.getValue());
            channel.write(ByteBuffer.wrap(bytes), start);
        }
    }

    /** The chain hash a raw format-3 record stores, as hex. */
    static String hashOf(final byte[] record)
    {
        return HexFormat.of().formatHex(java.util.Arrays.copyOfRange(record, record.length - 36, record.length - 4));
    }

    /** Every record of a journal's queue as stored, in order. */
    static List<byte[]> rawRecords(final Path journalDir)
    {
        final List<byte[]> records = new ArrayList<>();
        try (SingleChronicleQueue queue = ChronicleQueues.openForReading(journalDir);
             ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return records;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final byte[] record = new byte[(int)bytes.readRemaining()];
                    bytes.read(record);
                    records.add(record);
                }
            }
        }
    }

    private static void writeRaw(final Path journalDir, final List<byte[]> records)
    {
        try (SingleChronicleQueue queue = ChronicleQueues.openForReading(journalDir);
             ExcerptAppender appender = queue.createAppender())
        {
            for (final byte[] record : records)
            {
                try (DocumentContext dc = appender.writingDocument())
                {
                    dc.wire().bytes().write(record);
                }
            }
        }
    }
}
