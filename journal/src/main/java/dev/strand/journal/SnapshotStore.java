package dev.strand.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Stores snapshots in a domain-agnostic, checksummed container and keeps the newest {@code keep} of them.
 * A snapshot is written to a temp file, fsynced, atomically renamed, and the directory fsynced, so a crash
 * leaves either the whole new file or none of it; temp files left by a crash are ignored and deleted when
 * the store is created. Loading takes the newest snapshot whose container checks out, that the caller's check
 * accepts (the engine's: its chain hash is the journal's at its position) and whose body reader succeeds, falling
 * back to older ones.
 *
 * <p>Container layout (big-endian, as {@link DataOutputStream} writes), format version 2:
 * <pre>
 *  0   8 bytes  magic "STRNDSNP"
 *  8   i32      container format version (2)
 * 12   i64      journal position
 * 20   i64      created at, epoch millis
 * 28   i64      body length L
 * 36   32 bytes the journal's chain hash at the position (32 zero bytes: none, the position precedes the chain)
 * 68   i32      BEGIN marker 0x424F4459 ("BODY")
 * 72   L bytes  body
 * 72+L i32      END marker 0x454E442E ("END.")
 * 76+L i32      CRC32C of bytes 8-27, bytes 36-67 and the body
 * </pre>
 * Format version 1 (written before the hash chain) is read as well: no chain hash, a 40-byte header (the BEGIN
 * marker at 36, the body at 40), the CRC32C of the body alone.
 * File names: {@code snapshot-<position, 20 digits>-<created millis, 13 digits>.snap}.
 * Not thread-safe for concurrent writes; one writer per directory.
 */
public final class SnapshotStore
{
    /** The container format version this build writes. */
    public static final int FORMAT_VERSION = 2;
    /** The container format before the hash chain, still read. */
    public static final int FORMAT_VERSION_1 = 1;

    static final int HEADER_LENGTH = 72;
    static final int HEADER_LENGTH_V1 = 40;
    static final int CHAIN_HASH_OFFSET = 36;
    static final int TRAILER_LENGTH = 8;
    static final int BEGIN_MARKER = 0x424F4459;
    static final int END_MARKER = 0x454E442E;
    static final String SUFFIX = ".snap";
    static final String TEMP_SUFFIX = ".tmp";

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final byte[] MAGIC = "STRNDSNP".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{13})\\.snap");
    private static final int IO_BUFFER = 64 * 1024;

    private final Path directory;
    private final int keep;
    private final Clock clock;

    /**
     * @param dir  the snapshot directory (created if missing).
     * @param keep how many of the newest snapshots to keep (&gt;= 1).
     */
    public SnapshotStore(final Path dir, final int keep)
    {
        this(dir, keep, Clock.systemUTC());
    }

    /**
     * @param dir   the snapshot directory (created if missing).
     * @param keep  how many of the newest snapshots to keep (&gt;= 1).
     * @param clock stamps {@code createdAtEpochMillis}.
     */
    public SnapshotStore(final Path dir, final int keep, final Clock clock)
    {
        if (keep < 1)
        {
            throw new IllegalArgumentException("keep must be >= 1, was " + keep);
        }
        this.directory = dir.toAbsolutePath();
        this.keep = keep;
        this.clock = clock;
        try
        {
            Files.createDirectories(directory);
            deleteTempFiles();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot prepare snapshot directory " + directory, ex);
        }
    }

    /**
     * A store that only reads: it neither creates the directory nor deletes temp files in it (tools that must write
     * nothing into a data directory); {@link #write} refuses.
     *
     * @param dir the snapshot directory (may be missing: no snapshots).
     * @return the store.
     */
    public static SnapshotStore reading(final Path dir)
    {
        return new SnapshotStore(dir.toAbsolutePath(), Clock.systemUTC());
    }

    private SnapshotStore(final Path dir, final Clock clock)
    {
        this.directory = dir;
        this.keep = 0;
        this.clock = clock;
    }

    /**
     * @return the snapshot directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Writes a snapshot: temp file, header, body, trailer, fsync, atomic rename, directory fsync, then prunes
     * all but the newest {@code keep}.
     *
     * @param position the journal position the body reflects.
     * @param body     writes the body.
     * @return the new snapshot.
     * @throws IOException if writing fails (or the body writer throws); no partial file is left behind.
     */
    public SnapshotInfo write(final long position, final SnapshotBodyWriter body) throws IOException
    {
        return write(position, null, body);
    }

    /**
     * As {@link #write(long, SnapshotBodyWriter)}, recording the journal's chain hash at {@code position}.
     *
     * @param position  the journal position the body reflects.
     * @param chainHash the chain hash of the commit ending at {@code position} (64 hex digits), or null when that
     *                  commit predates the hash chain (or the journal is empty).
     * @param body      writes the body.
     * @return the new snapshot.
     * @throws IOException if writing fails (or the body writer throws); no partial file is left behind.
     */
    public SnapshotInfo write(final long position, final String chainHash, final SnapshotBodyWriter body)
        throws IOException
    {
        if (keep == 0)
        {
            throw new IllegalStateException("a reading snapshot store does not write");
        }
        final byte[] hash = chainHash == null ? ChainHash.GENESIS : ChainHash.parse(chainHash);
        if (position < 0)
        {
            throw new IllegalArgumentException("position must be >= 0, was " + position);
        }
        final long start = System.nanoTime();
        long created = clock.millis();
        Path target = directory.resolve(fileName(position, created));
        while (Files.exists(target))
        {
            target = directory.resolve(fileName(position, ++created));
        }
        final Path temp = directory.resolve(target.getFileName() + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
            header.put(MAGIC).putInt(FORMAT_VERSION).putLong(position).putLong(created).putLong(-1L)
                .put(hash).putInt(BEGIN_MARKER).flip();
            writeFully(channel, header, 0);
            channel.position(HEADER_LENGTH);

            final CountingCrcOutputStream counting = new CountingCrcOutputStream(Channels.newOutputStream(channel));
            headerCrc(counting.crc, header.array());
            final DataOutputStream out = new DataOutputStream(new BufferedOutputStream(counting, IO_BUFFER));
            body.write(out);
            out.flush();
            final long length = counting.count;

            final ByteBuffer trailer = ByteBuffer.allocate(TRAILER_LENGTH);
            trailer.putInt(END_MARKER).putInt((int)counting.crc.getValue()).flip();
            writeFully(channel, trailer, HEADER_LENGTH + length);
            final ByteBuffer lengthField = ByteBuffer.allocate(8);
            lengthField.putLong(length).flip();
            writeFully(channel, lengthField, 28);
            channel.force(true);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            Files.deleteIfExists(temp);
            throw ex;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        FileSync.directory(directory);
        final SnapshotInfo info = new SnapshotInfo(target, position, Files.size(target), created, FORMAT_VERSION,
            System.nanoTime() - start, chainHash);
        prune();
        return info;
    }

    /**
     * @return every snapshot file, valid or not, newest first (by position, then creation time). Only headers
     * are read; files whose header is unreadable report the name's position and time and format version -1.
     */
    public List<SnapshotInfo> list()
    {
        return listIn(directory);
    }

    /**
     * As {@link #list()} for any directory, without a store (which would create the directory and delete temp files
     * in it): reading a backup writes nothing. A missing directory has none.
     */
    static List<SnapshotInfo> listIn(final Path directory)
    {
        final List<SnapshotInfo> infos = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return infos;
        }
        try (Stream<Path> files = Files.list(directory))
        {
            files.forEach(file ->
            {
                final Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches())
                {
                    infos.add(describe(file, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + directory, ex);
        }
        infos.sort(Comparator.comparingLong(SnapshotInfo::position)
            .thenComparingLong(SnapshotInfo::createdAtEpochMillis)
            .thenComparing(i -> i.file().getFileName().toString())
            .reversed());
        return infos;
    }

    /**
     * Loads the newest snapshot whose container checks out (magic, known format version, length, markers,
     * CRC32C) and whose body reader succeeds, falling back to older ones. Each rejected file is logged at WARN
     * with the reason.
     *
     * @param reader reads the body (only called after the checksum passed).
     * @param <T>    the loaded value.
     * @return the loaded snapshot, or empty when none loads.
     */
    public <T> Optional<LoadedSnapshot<T>> loadNewest(final SnapshotBodyReader<T> reader)
    {
        return loadNewest(info -> null, reader);
    }

    /**
     * As {@link #loadNewest(SnapshotBodyReader)}, asking {@code accept} about each snapshot whose container checks
     * out before its body is read; a snapshot it refuses is skipped like a damaged one.
     *
     * @param accept says why a snapshot must not be used (null: use it), e.g. its chain hash is not the journal's.
     * @param reader reads the body (only called after the checksum passed and {@code accept} agreed).
     * @param <T>    the loaded value.
     * @return the loaded snapshot, or empty when none loads.
     */
    public <T> Optional<LoadedSnapshot<T>> loadNewest(
        final java.util.function.Function<SnapshotInfo, String> accept, final SnapshotBodyReader<T> reader)
    {
        final List<String> skipped = new ArrayList<>();
        for (final SnapshotInfo info : list())
        {
            String reason;
            try
            {
                reason = check(info.file());
            }
            catch (final IOException ex)
            {
                reason = "cannot read it: " + ex;
            }
            if (reason == null)
            {
                reason = accept.apply(info);
            }
            if (reason == null)
            {
                try
                {
                    final T value = readBody(info, reader);
                    return Optional.of(new LoadedSnapshot<>(info, value, List.copyOf(skipped)));
                }
                catch (final IOException | RuntimeException ex)
                {
                    reason = "body reader failed: " + ex;
                }
            }
            LOG.warn("skipping snapshot {}: {}", info.file(), reason);
            skipped.add(info.file().getFileName() + ": " + reason);
        }
        return Optional.empty();
    }

    private <T> T readBody(final SnapshotInfo info, final SnapshotBodyReader<T> reader) throws IOException
    {
        try (FileChannel channel = FileChannel.open(info.file(), StandardOpenOption.READ))
        {
            final int headerLength = headerLength(info.formatVersion());
            final long length = channel.size() - headerLength - TRAILER_LENGTH;
            channel.position(headerLength);
            final InputStream body = new LimitedInputStream(Channels.newInputStream(channel), length);
            final DataInputStream in = new DataInputStream(new BufferedInputStream(body, IO_BUFFER));
            return reader.read(info.position(), in);
        }
    }

    /**
     * Checks a snapshot's container (magic, version, length, markers, CRC32C) without reading its body into anything.
     *
     * @param info a snapshot of this store.
     * @return null when it checks out, else why not.
     */
    public String problem(final SnapshotInfo info)
    {
        try
        {
            return check(info.file());
        }
        catch (final IOException ex)
        {
            return "cannot read it: " + ex;
        }
    }

    /**
     * @return null when the container checks out, else why not.
     */
    static String check(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
            final String headerProblem = readHeader(channel, size, header);
            if (headerProblem != null)
            {
                return headerProblem;
            }
            final int version = header.getInt(8);
            final int headerLength = headerLength(version);
            final long length = header.getLong(28);
            if (length < 0 || size != headerLength + length + TRAILER_LENGTH)
            {
                return "truncated or wrong length: header says body of " + length + " bytes, so " +
                    (headerLength + length + TRAILER_LENGTH) + " bytes in all, file has " + size;
            }
            if (header.getInt(headerLength - 4) != BEGIN_MARKER)
            {
                return "BEGIN marker missing";
            }
            final ByteBuffer trailer = ByteBuffer.allocate(TRAILER_LENGTH);
            readFully(channel, trailer, headerLength + length);
            if (trailer.getInt(0) != END_MARKER)
            {
                return "END marker missing";
            }
            final CRC32C crc = new CRC32C();
            if (version != FORMAT_VERSION_1)
            {
                headerCrc(crc, header.array());
            }
            final ByteBuffer chunk = ByteBuffer.allocate(IO_BUFFER);
            long at = headerLength;
            final long end = headerLength + length;
            while (at < end)
            {
                chunk.clear();
                chunk.limit((int)Math.min(IO_BUFFER, end - at));
                final int n = channel.read(chunk, at);
                if (n < 0)
                {
                    return "truncated body";
                }
                chunk.flip();
                crc.update(chunk);
                at += n;
            }
            final int stored = trailer.getInt(4);
            if (stored != (int)crc.getValue())
            {
                return (version == FORMAT_VERSION_1 ? "body" : "header or body") + " CRC32C mismatch (stored " +
                    Integer.toHexString(stored) + ", computed " + Integer.toHexString((int)crc.getValue()) + ')';
            }
            return null;
        }
    }

    /** Container format 2's checksum covers the version, position, creation time and chain hash before the body. */
    private static void headerCrc(final CRC32C crc, final byte[] header)
    {
        crc.update(header, 8, 20);
        crc.update(header, CHAIN_HASH_OFFSET, ChainHash.LENGTH);
    }

    private static int headerLength(final int version)
    {
        return version == FORMAT_VERSION_1 ? HEADER_LENGTH_V1 : HEADER_LENGTH;
    }

    private static String readHeader(final FileChannel channel, final long size, final ByteBuffer header)
        throws IOException
    {
        if (size < HEADER_LENGTH_V1 + TRAILER_LENGTH)
        {
            return "truncated: " + size + " bytes, a snapshot has at least " + (HEADER_LENGTH_V1 + TRAILER_LENGTH);
        }
        header.limit((int)Math.min(HEADER_LENGTH, size));
        readFully(channel, header, 0);
        header.limit(HEADER_LENGTH);
        final byte[] magic = new byte[MAGIC.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, MAGIC))
        {
            return "not a snapshot (bad magic)";
        }
        final int version = header.getInt(8);
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_1)
        {
            return "unknown container format version " + version + " (this build reads " + FORMAT_VERSION_1 + " and " +
                FORMAT_VERSION + ')';
        }
        if (version == FORMAT_VERSION && size < HEADER_LENGTH + TRAILER_LENGTH)
        {
            return "truncated: " + size + " bytes, a snapshot of format " + FORMAT_VERSION + " has at least " +
                (HEADER_LENGTH + TRAILER_LENGTH);
        }
        return null;
    }

    private static SnapshotInfo describe(final Path file, final long namePosition, final long nameCreated)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size >= HEADER_LENGTH_V1)
            {
                final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
                header.limit((int)Math.min(HEADER_LENGTH, size));
                readFully(channel, header, 0);
                header.limit(HEADER_LENGTH);
                final byte[] magic = new byte[MAGIC.length];
                header.get(0, magic);
                if (Arrays.equals(magic, MAGIC))
                {
                    final int version = header.getInt(8);
                    if (version == FORMAT_VERSION_1)
                    {
                        return new SnapshotInfo(file, header.getLong(12), size, header.getLong(20), version, -1, null);
                    }
                    if (version == FORMAT_VERSION && size >= HEADER_LENGTH)
                    {
                        final byte[] hash = new byte[ChainHash.LENGTH];
                        header.get(CHAIN_HASH_OFFSET, hash);
                        return new SnapshotInfo(file, header.getLong(12), size, header.getLong(20), version, -1,
                            ChainHash.isGenesis(hash) ? null : ChainHash.hex(hash));
                    }
                    return new SnapshotInfo(file, namePosition, size, nameCreated, version, -1, null);
                }
            }
            return new SnapshotInfo(file, namePosition, size, nameCreated, -1, -1, null);
        }
        catch (final IOException ex)
        {
            return new SnapshotInfo(file, namePosition, -1, nameCreated, -1, -1, null);
        }
    }

    private void prune() throws IOException
    {
        final List<SnapshotInfo> all = list();
        boolean deleted = false;
        for (int i = keep; i < all.size(); i++)
        {
            deleted |= Files.deleteIfExists(all.get(i).file());
        }
        if (deleted)
        {
            FileSync.directory(directory);
        }
    }

    private void deleteTempFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (name.startsWith("snapshot-") && name.endsWith(SUFFIX + TEMP_SUFFIX))
                {
                    LOG.info("deleting unfinished snapshot {}", file);
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    static String fileName(final long position, final long createdMillis)
    {
        return String.format("snapshot-%020d-%013d%s", position, createdMillis, SUFFIX);
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer, final long at)
        throws IOException
    {
        long position = at;
        while (buffer.hasRemaining())
        {
            position += channel.write(buffer, position);
        }
    }

    private static void readFully(final FileChannel channel, final ByteBuffer buffer, final long at)
        throws IOException
    {
        long position = at;
        while (buffer.hasRemaining())
        {
            final int n = channel.read(buffer, position);
            if (n < 0)
            {
                throw new IOException("unexpected end of file");
            }
            position += n;
        }
        buffer.flip();
    }

    /**
     * Counts and checksums what passes through; closing it only flushes, so a body writer cannot close the
     * channel under the store.
     */
    private static final class CountingCrcOutputStream extends FilterOutputStream
    {
        private final CRC32C crc = new CRC32C();
        private long count;

        CountingCrcOutputStream(final OutputStream out)
        {
            super(out);
        }

        public void write(final int b) throws IOException
        {
            out.write(b);
            crc.update(b);
            count++;
        }

        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            out.write(b, off, len);
            crc.update(b, off, len);
            count += len;
        }

        public void close() throws IOException
        {
            flush();
        }
    }

    /**
     * Ends the stream after {@code limit} bytes; closing does not close the source.
     */
    private static final class LimitedInputStream extends InputStream
    {
        private final InputStream in;
        private long left;

        LimitedInputStream(final InputStream in, final long limit)
        {
            this.in = in;
            this.left = limit;
        }

        public int read() throws IOException
        {
            if (left <= 0)
            {
                return -1;
            }
            final int b = in.read();
            if (b >= 0)
            {
                left--;
            }
            return b;
        }

        public int read(final byte[] b, final int off, final int len) throws IOException
        {
            if (left <= 0)
            {
                return -1;
            }
            final int n = in.read(b, off, (int)Math.min(len, left));
            if (n > 0)
            {
                left -= n;
            }
            return n;
        }

        public int available() throws IOException
        {
            return (int)Math.min(in.available(), left);
        }
    }
}
