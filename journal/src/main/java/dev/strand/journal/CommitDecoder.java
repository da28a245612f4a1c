package dev.strand.journal;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static dev.strand.journal.CommitFormat.*;

/**
 * Validates and decodes commit records held in a direct buffer. {@link #validate} checks everything
 * (checksum, version, bounds, positions) before any event is decoded; the decode methods then trust the
 * bytes. Not thread-safe.
 */
final class CommitDecoder
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final CRC32C crc = new CRC32C();
    private final StringCache typeCache = new StringCache();

    /**
     * @return null when the commit in {@code buffer[0, length)} is sound, else the reason it is not.
     */
    String validate(final ExpandableDirectByteBuffer buffer, final int length)
    {
        if (length < MIN_COMMIT_LENGTH)
        {
            return "record too short (" + length + " bytes)";
        }
        final int stored = buffer.getInt(length - CRC_LENGTH, LE);
        final int computed = crc32c(crc, buffer.byteBuffer(), length - CRC_LENGTH);
        if (stored != computed)
        {
            return "CRC32C mismatch (stored " + Integer.toHexString(stored) + ", computed " +
                Integer.toHexString(computed) + ')';
        }
        final int version = buffer.getByte(VERSION_OFFSET) & 0xFF;
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_3 && version != FORMAT_VERSION_2 &&
            version != FORMAT_VERSION_1)
        {
            return "unknown record format version " + version;
        }
        if (length < MIN_COMMIT_LENGTH + trailerLength(version) - CRC_LENGTH)
        {
            return "record too short (" + length + " bytes) for format version " + version;
        }
        final int count = buffer.getInt(COUNT_OFFSET, LE);
        final long first = buffer.getLong(FIRST_POSITION_OFFSET, LE);
        if (count < 1 || first < 1 || first + count < first)
        {
            return "bad commit header (count " + count + ", first position " + first + ')';
        }
        final int end = length - trailerLength(version);
        int p = COMMIT_HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            if (p + EVENT_HEADER_LENGTH > end)
            {
                return "event " + i + " header overruns the record";
            }
            final long position = buffer.getLong(p + EVENT_POSITION_OFFSET, LE);
            if (position != first + i)
            {
                return "event " + i + " has position " + position + ", expected " + (first + i);
            }
            final int payloadLength = buffer.getInt(p + EVENT_PAYLOAD_LENGTH_OFFSET, LE);
            final int flags = buffer.getShort(p + EVENT_FLAGS_OFFSET, LE);
            final boolean causationIsCommand = (flags & FLAG_CAUSATION_IS_COMMAND) != 0;
            p += EVENT_HEADER_LENGTH;
            if ((flags & FLAG_FINGERPRINT) != 0)
            {
                if (version == FORMAT_VERSION_1 || p + FINGERPRINT_LENGTH > end)
                {
                    return "event " + i + " command fingerprint is not allowed in version " + version +
                        " or overruns the record";
                }
                p += FINGERPRINT_LENGTH;
            }
            if (version == FORMAT_VERSION && (flags & ~KNOWN_FLAGS & 0xFFFF) != 0)
            {
                return "event " + i + " has unknown flags " + Integer.toHexString(flags & 0xFFFF);
            }
            if ((flags & FLAG_TRACE) != 0)
            {
                if (version != FORMAT_VERSION || p + TRACE_LENGTH > end)
                {
                    return "event " + i + " trace context is not allowed in version " + version +
                        " or overruns the record";
                }
                if (!traceIdsValid(buffer, p))
                {
                    return "event " + i + " trace context has an all-zero trace-id or parent-id";
                }
                p += TRACE_LENGTH;
            }
            final int strings = causationIsCommand ? 5 : 6;
            for (int s = 0; s < strings; s++)
            {
                if (p + 2 > end)
                {
                    return "event " + i + " string " + s + " overruns the record";
                }
                final int len = buffer.getShort(p, LE) & 0xFFFF;
                p += 2 + (len == NULL_STRING ? 0 : len);
            }
            if (payloadLength < 0 || p + (long)payloadLength > end)
            {
                return "event " + i + " payload length " + payloadLength + " overruns the record";
            }
            p += payloadLength;
        }
        if (p != end)
        {
            return "record has " + (end - p) + " trailing bytes";
        }
        return null;
    }

    private static boolean traceIdsValid(final DirectBuffer buffer, final int at)
    {
        return (TraceContext.traceIdHigh(buffer, at) != 0 || TraceContext.traceIdLow(buffer, at) != 0) &&
            TraceContext.parentId(buffer, at) != 0;
    }

    /**
     * @return the format version of a validated commit.
     */
    static int version(final DirectBuffer buffer)
    {
        return buffer.getByte(VERSION_OFFSET) & 0xFF;
    }

    /**
     * @return whether a validated commit of {@code length} bytes carries a chain hash.
     */
    static boolean chained(final DirectBuffer buffer)
    {
        return CommitFormat.chained(version(buffer));
    }

    /**
     * @return the offset of the chain hash of a validated chained commit of {@code length} bytes: also the number of
     * bytes it covers.
     */
    static int chainHashOffset(final int length)
    {
        return length - CRC_LENGTH - CHAIN_HASH_LENGTH;
    }

    static int count(final DirectBuffer buffer)
    {
        return buffer.getInt(COUNT_OFFSET, LE);
    }

    static long firstPosition(final DirectBuffer buffer)
    {
        return buffer.getLong(FIRST_POSITION_OFFSET, LE);
    }

    /**
     * @return the offset of the first event of a validated commit.
     */
    static int firstEventOffset()
    {
        return COMMIT_HEADER_LENGTH;
    }

    /**
     * @return the offset of the event after the one at {@code offset} of a validated commit.
     */
    static int skip(final DirectBuffer buffer, final int offset)
    {
        final int payloadLength = buffer.getInt(offset + EVENT_PAYLOAD_LENGTH_OFFSET, LE);
        final int flags = buffer.getShort(offset + EVENT_FLAGS_OFFSET, LE);
        final boolean causationIsCommand = (flags & FLAG_CAUSATION_IS_COMMAND) != 0;
        int p = offset + EVENT_HEADER_LENGTH + ((flags & FLAG_FINGERPRINT) != 0 ? FINGERPRINT_LENGTH : 0) +
            ((flags & FLAG_TRACE) != 0 ? TRACE_LENGTH : 0);
        final int strings = causationIsCommand ? 5 : 6;
        for (int s = 0; s < strings; s++)
        {
            final int len = buffer.getShort(p, LE) & 0xFFFF;
            p += 2 + (len == NULL_STRING ? 0 : len);
        }
        return p + payloadLength;
    }

    /**
     * Decodes the event at {@code offset} of a validated commit into {@code into}.
     *
     * @return the offset of the following event.
     */
    int decode(final DirectBuffer buffer, final int offset, final EventRecord into, final long commitFirst,
        final long commitLast)
    {
        final long position = buffer.getLong(offset + EVENT_POSITION_OFFSET, LE);
        final long timestamp = buffer.getLong(offset + EVENT_TIMESTAMP_OFFSET, LE);
        final long version = buffer.getLong(offset + EVENT_VERSION_OFFSET, LE);
        final int schema = buffer.getInt(offset + EVENT_SCHEMA_OFFSET, LE);
        final int payloadLength = buffer.getInt(offset + EVENT_PAYLOAD_LENGTH_OFFSET, LE);
        final int flags = buffer.getShort(offset + EVENT_FLAGS_OFFSET, LE);
        final boolean causationIsCommand = (flags & FLAG_CAUSATION_IS_COMMAND) != 0;
        int p = offset + EVENT_HEADER_LENGTH;
        long fingerprint = 0;
        if ((flags & FLAG_FINGERPRINT) != 0)
        {
            fingerprint = buffer.getLong(p, LE);
            p += FINGERPRINT_LENGTH;
        }
        final boolean traced = (flags & FLAG_TRACE) != 0;
        long traceHigh = 0;
        long traceLow = 0;
        long parentId = 0;
        int traceFlags = 0;
        if (traced)
        {
            traceHigh = TraceContext.traceIdHigh(buffer, p);
            traceLow = TraceContext.traceIdLow(buffer, p);
            parentId = TraceContext.parentId(buffer, p);
            traceFlags = TraceContext.flags(buffer, p);
            p += TRACE_LENGTH;
        }

        int len = buffer.getShort(p, LE) & 0xFFFF;
        final String aggregateType = len == NULL_STRING ? null : typeCache.get(buffer, p + 2, len);
        p += 2 + (len == NULL_STRING ? 0 : len);

        len = buffer.getShort(p, LE) & 0xFFFF;
        final String aggregateId = len == NULL_STRING ? null : StringCache.decode(buffer, p + 2, len);
        p += 2 + (len == NULL_STRING ? 0 : len);

        len = buffer.getShort(p, LE) & 0xFFFF;
        final String eventType = len == NULL_STRING ? null : typeCache.get(buffer, p + 2, len);
        p += 2 + (len == NULL_STRING ? 0 : len);

        len = buffer.getShort(p, LE) & 0xFFFF;
        final String commandId = len == NULL_STRING ? null : StringCache.decode(buffer, p + 2, len);
        p += 2 + (len == NULL_STRING ? 0 : len);

        len = buffer.getShort(p, LE) & 0xFFFF;
        final String correlationId = len == NULL_STRING ? null : StringCache.decode(buffer, p + 2, len);
        p += 2 + (len == NULL_STRING ? 0 : len);

        final String causationId;
        if (causationIsCommand)
        {
            causationId = commandId;
        }
        else
        {
            len = buffer.getShort(p, LE) & 0xFFFF;
            causationId = len == NULL_STRING ? null : StringCache.decode(buffer, p + 2, len);
            p += 2 + (len == NULL_STRING ? 0 : len);
        }

        into.set(position, version, timestamp, schema, aggregateType, aggregateId, eventType, commandId, correlationId,
            causationId, fingerprint, buffer, p, payloadLength, commitFirst, commitLast);
        into.trace(traced, traceHigh, traceLow, parentId, traceFlags);
        return p + payloadLength;
    }
}
