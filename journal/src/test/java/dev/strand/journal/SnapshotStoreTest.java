package dev.strand.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotStoreTest
{
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripABody() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 3, CLOCK);
        final SnapshotInfo written = store.write(1234, out ->
        {
            out.writeUTF("ledger \u00e9");
            out.writeLong(42);
            out.write(new byte[100_000]);
        });
        assertThat(written.position()).isEqualTo(1234);
        assertThat(written.formatVersion()).isEqualTo(SnapshotStore.FORMAT_VERSION);
        assertThat(written.createdAtEpochMillis()).isEqualTo(CLOCK.millis());
        assertThat(written.sizeBytes()).isEqualTo(Files.size(written.file()));
        assertThat(written.durationNanos()).isPositive();

        final Optional<LoadedSnapshot<String>> loaded = store.loadNewest((position, in) ->
        {
            final String name = in.readUTF();
            final long answer = in.readLong();
            in.readFully(new byte[100_000]);
            assertThat(in.read()).isEqualTo(-1);
            return position + ":" + name + ":" + answer;
        });
        assertThat(loaded).isPresent();
        assertThat(loaded.get().value()).isEqualTo("1234:ledger \u00e9:42");
        assertThat(loaded.get().skipped()).isEmpty();
        assertThat(loaded.get().info().file()).isEqualTo(written.file());
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void shouldKeepOnlyTheNewestK() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 2, CLOCK);
        for (long position = 10; position <= 50; position += 10)
        {
            final long p = position;
            store.write(position, out -> out.writeLong(p));
        }
        store.write(50, out -> out.writeLong(51));
        final List<SnapshotInfo> infos = store.list();
        assertThat(infos).hasSize(2);
        assertThat(infos.get(0).position()).isEqualTo(50);
        assertThat(infos.get(0).createdAtEpochMillis()).isGreaterThan(infos.get(1).createdAtEpochMillis());
        assertThat(infos.get(1).position()).isEqualTo(50);
        assertThat(store.loadNewest((position, in) -> in.readLong()).orElseThrow().value()).isEqualTo(51L);
    }

    @Test
    void shouldFallBackWhenTheNewestHasAFlippedByte() throws IOException
    {
        final SnapshotStore store = threeSnapshots();
        final Path newest = store.list().get(0).file();
        flip(newest, SnapshotStore.HEADER_LENGTH + 3);
        assertLoadsSecondNewest(store, "CRC32C mismatch");
    }

    @Test
    void shouldFallBackWhenTheNewestIsTruncated() throws IOException
    {
        final SnapshotStore store = threeSnapshots();
        final Path newest = store.list().get(0).file();
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE))
        {
            channel.truncate(Files.size(newest) - 5);
        }
        assertLoadsSecondNewest(store, "truncated");
    }

    @Test
    void shouldFallBackWhenTheNewestHasAnUnknownFormatVersion() throws IOException
    {
        final SnapshotStore store = threeSnapshots();
        final Path newest = store.list().get(0).file();
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(4).putInt(0, 99), 8);
        }
        assertThat(store.list().get(0).formatVersion()).isEqualTo(99);
        assertLoadsSecondNewest(store, "unknown container format version 99");
    }

    @Test
    void shouldFallBackWhenTheBodyReaderThrows() throws IOException
    {
        final SnapshotStore store = threeSnapshots();
        final Optional<LoadedSnapshot<Long>> loaded = store.loadNewest((position, in) ->
        {
            final long value = in.readLong();
            if (value == 300)
            {
                throw new IOException("schema 7 not supported");
            }
            return value;
        });
        assertThat(loaded.orElseThrow().value()).isEqualTo(200L);
        assertThat(loaded.get().skipped()).hasSize(1);
        assertThat(loaded.get().skipped().get(0)).contains("body reader failed").contains("schema 7 not supported");
    }

    @Test
    void shouldReturnEmptyWhenThereIsNoSnapshotOrNoneLoads() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 3, CLOCK);
        assertThat(store.loadNewest((position, in) -> in.readLong())).isEmpty();
        assertThat(store.list()).isEmpty();
        store.write(5, out -> out.writeLong(5));
        flip(store.list().get(0).file(), 0);
        assertThat(store.loadNewest((position, in) -> in.readLong())).isEmpty();
        assertThat(store.list()).hasSize(1);
        assertThat(store.list().get(0).formatVersion()).isEqualTo(-1);
    }

    @Test
    void shouldIgnoreAndCleanTempFilesAndLeaveNoneWhenTheBodyWriterFails() throws IOException
    {
        final SnapshotStore first = new SnapshotStore(dir, 3, CLOCK);
        first.write(1, out -> out.writeLong(1));
        final Path stale = dir.resolve(SnapshotStore.fileName(99, 0) + SnapshotStore.TEMP_SUFFIX);
        Files.write(stale, new byte[]{ 1, 2, 3 });
        assertThat(first.list()).hasSize(1);
        assertThat(first.loadNewest((position, in) -> in.readLong()).orElseThrow().value()).isEqualTo(1L);

        final SnapshotStore second = new SnapshotStore(dir, 3, CLOCK);
        assertThat(tempFiles()).isEmpty();
        assertThatThrownBy(() -> second.write(2, out ->
        {
            out.writeLong(2);
            throw new IOException("disk on fire");
        })).isInstanceOf(IOException.class).hasMessageContaining("disk on fire");
        assertThat(tempFiles()).isEmpty();
        assertThat(second.list()).hasSize(1);
    }

    private SnapshotStore threeSnapshots() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 5, CLOCK);
        for (long value = 100; value <= 300; value += 100)
        {
            final long v = value;
            store.write(value, out ->
            {
                out.writeLong(v);
                out.write(new byte[64]);
            });
        }
        return store;
    }

    private static void assertLoadsSecondNewest(final SnapshotStore store, final String reason)
    {
        final LoadedSnapshot<Long> loaded = store.loadNewest((position, in) -> in.readLong()).orElseThrow();
        assertThat(loaded.value()).isEqualTo(200L);
        assertThat(loaded.info().position()).isEqualTo(200);
        assertThat(loaded.skipped()).hasSize(1);
        assertThat(loaded.skipped().get(0)).contains(reason);
    }

    @Test
    void shouldRecordTheJournalsChainHashAndCoverItWithTheChecksum() throws IOException
    {
        final String hash = "ab".repeat(32);
        final SnapshotStore store = new SnapshotStore(dir, 3, CLOCK);
        final SnapshotInfo older = store.write(10, out -> out.writeLong(10));
        final SnapshotInfo written = store.write(20, hash, out -> out.writeLong(20));
        assertThat(written.chainHash()).isEqualTo(hash);
        assertThat(older.chainHash()).isNull();
        assertThat(store.list()).extracting(SnapshotInfo::chainHash).containsExactly(hash, null);
        final LoadedSnapshot<Long> loaded = store.loadNewest((position, in) -> in.readLong()).orElseThrow();
        assertThat(loaded.info().chainHash()).isEqualTo(hash);
        assertThat(loaded.value()).isEqualTo(20L);

        flip(written.file(), SnapshotStore.CHAIN_HASH_OFFSET + 5);
        final LoadedSnapshot<Long> fallback = store.loadNewest((position, in) -> in.readLong()).orElseThrow();
        assertThat(fallback.value()).as("a damaged chain hash fails the CRC32C").isEqualTo(10L);
        assertThat(fallback.skipped()).singleElement().asString().contains("header or body CRC32C mismatch");
    }

    @Test
    void shouldSkipASnapshotTheCallerRefusesBeforeReadingItsBody() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 3, CLOCK);
        store.write(10, "01".repeat(32), out -> out.writeLong(10));
        store.write(20, "02".repeat(32), out -> out.writeLong(20));
        final List<Long> bodiesRead = new java.util.ArrayList<>();
        final LoadedSnapshot<Long> loaded = store.loadNewest(
            info -> info.chainHash().startsWith("02") ? "its chain hash is not the journal's" : null,
            (position, in) ->
            {
                bodiesRead.add(position);
                return in.readLong();
            }).orElseThrow();
        assertThat(loaded.value()).isEqualTo(10L);
        assertThat(bodiesRead).containsExactly(10L);
        assertThat(loaded.skipped()).singleElement().asString().endsWith(": its chain hash is not the journal's");
    }

    @Test
    void shouldReadContainerFormat1() throws IOException
    {
        // as the build before the hash chain wrote it: 40-byte header, the CRC32C over the body alone
        final byte[] body = {0, 0, 0, 0, 0, 0, 0, 42};
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body);
        final ByteBuffer file = ByteBuffer.allocate(40 + body.length + 8);
        file.put("STRNDSNP".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(1).putLong(77)
            .putLong(CLOCK.millis()).putLong(body.length).putInt(0x424F4459).put(body).putInt(0x454E442E)
            .putInt((int)crc.getValue());
        Files.write(dir.resolve(SnapshotStore.fileName(77, CLOCK.millis())), file.array());

        final SnapshotStore store = new SnapshotStore(dir, 3, CLOCK);
        assertThat(store.list()).singleElement().satisfies(info ->
        {
            assertThat(info.formatVersion()).isEqualTo(1);
            assertThat(info.position()).isEqualTo(77);
            assertThat(info.chainHash()).isNull();
        });
        assertThat(store.loadNewest((position, in) -> position + in.readLong()).orElseThrow().value()).isEqualTo(119L);
    }

    private static void flip(final Path file, final long offset) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            channel.write(ByteBuffer.wrap(new byte[]{ (byte)(one.get(0) ^ 0x10) }), offset);
        }
    }

    private List<Path> tempFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.toString().endsWith(".tmp")).collect(Collectors.toList());
        }
    }
}
