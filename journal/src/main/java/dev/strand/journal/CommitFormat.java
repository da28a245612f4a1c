package dev.strand.journal;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Byte layout of one commit record (one Chronicle excerpt), little-endian. See journal/README.md.
 *
 * <pre>
 * commit header (16 bytes)
 *   0  u8   format version (4; version 3, without trace contexts, and versions 1 and 2, without the hash chain
 *           either, are still read)
 *   1  u8   commit flags (0, reserved)
 *   2  u16  reserved (0)
 *   4  i32  event count (&gt;= 1)
 *   8  i64  first position
 * per event: fixed header (36 bytes)
 *   0  i64  position (= first position + event index)
 *   8  i64  timestamp, epoch micros
 *  16  i64  aggregate version
 *  24  i32  schema version
 *  28  i32  payload length
 *  32  u16  event flags (bit 0: causation id equals command id and is not stored;
 *                        bit 1: a command fingerprint follows the fixed header, versions 2 to 4;
 *                        bit 2: a trace context follows, version 4; other bits: refused in version 4)
 *  34  u16  reserved (0)
 * then, with flag bit 1, i64 command fingerprint (a hash of the command's type, aggregate, expected version and
 *   data, kept on the first event of each command so a reused command id can be told from a repeat)
 * then, with flag bit 2, the W3C trace context of the command (25 bytes: trace-id 16 bytes, parent-id 8 bytes,
 *   trace-flags 1 byte; the traceparent of version 00 they make)
 * then strings, each u16 UTF-8 byte length (0xFFFF = null) + bytes:
 *   aggregate type, aggregate id, event type, command id, correlation id, causation id (absent if flag bit 0)
 * then the payload bytes
 * trailer
 *   32 bytes  chain hash (versions 3 and 4): SHA-256 of the previous commit's chain hash (32 zero bytes before the
 *             first commit of version 3) followed by every byte of this record before the chain hash
 *   i32       CRC32C of every byte before it
 * </pre>
 */
final class CommitFormat
{
    static final byte FORMAT_VERSION = 4;
    /** The hash chain, no trace contexts; read as written. */
    static final byte FORMAT_VERSION_3 = 3;
    /** Command fingerprints, no hash chain; read as written. */
    static final byte FORMAT_VERSION_2 = 2;
    /** The first format: no command fingerprints, no hash chain; read as written. */
    static final byte FORMAT_VERSION_1 = 1;

    static final int VERSION_OFFSET = 0;
    static final int COMMIT_FLAGS_OFFSET = 1;
    static final int COUNT_OFFSET = 4;
    static final int FIRST_POSITION_OFFSET = 8;
    static final int COMMIT_HEADER_LENGTH = 16;

    static final int EVENT_POSITION_OFFSET = 0;
    static final int EVENT_TIMESTAMP_OFFSET = 8;
    static final int EVENT_VERSION_OFFSET = 16;
    static final int EVENT_SCHEMA_OFFSET = 24;
    static final int EVENT_PAYLOAD_LENGTH_OFFSET = 28;
    static final int EVENT_FLAGS_OFFSET = 32;
    static final int EVENT_HEADER_LENGTH = 36;

    static final int FLAG_CAUSATION_IS_COMMAND = 1;
    static final int FLAG_FINGERPRINT = 2;
    static final int FINGERPRINT_LENGTH = 8;
    static final int FLAG_TRACE = 4;
    static final int KNOWN_FLAGS = FLAG_CAUSATION_IS_COMMAND | FLAG_FINGERPRINT | FLAG_TRACE;
    static final int TRACE_ID_LENGTH = 16;
    static final int PARENT_ID_LENGTH = 8;
    static final int TRACE_LENGTH = TRACE_ID_LENGTH + PARENT_ID_LENGTH + 1;

    static final int NULL_STRING = 0xFFFF;
    static final int MAX_STRING_BYTES = 0xFFFE;

    static final int CRC_LENGTH = 4;
    static final int CHAIN_HASH_LENGTH = 32;
    static final int MIN_COMMIT_LENGTH = COMMIT_HEADER_LENGTH + EVENT_HEADER_LENGTH + 5 * 2 + CRC_LENGTH;

    private CommitFormat()
    {
    }

    /**
     * @return whether records of this format version carry a chain hash.
     */
    static boolean chained(final int version)
    {
        return version >= FORMAT_VERSION_3;
    }

    /**
     * @return the length of a record's trailer (chain hash and CRC32C) for its format version.
     */
    static int trailerLength(final int version)
    {
        return chained(version) ? CHAIN_HASH_LENGTH + CRC_LENGTH : CRC_LENGTH;
    }

    /**
     * CRC32C of {@code [0, length)} of a buffer backed by {@code byteBuffer} (a direct buffer, so no copy and
     * no allocation). The byte buffer's position and limit are changed.
     */
    static int crc32c(final CRC32C crc, final ByteBuffer byteBuffer, final int length)
    {
        byteBuffer.clear();
        byteBuffer.limit(length);
        crc.reset();
        crc.update(byteBuffer);
        return (int)crc.getValue();
    }

    static void putCrc(final MutableDirectBuffer buffer, final int offset, final int crc)
    {
        buffer.putInt(offset, crc, java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
