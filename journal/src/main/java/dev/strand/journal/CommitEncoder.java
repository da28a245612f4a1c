package dev.strand.journal;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static dev.strand.journal.CommitFormat.*;

/**
 * Encodes one commit into a reusable direct buffer without allocating: strings are UTF-8 encoded char by
 * char, lengths back-patched; the chain hash links the commit to the previous one.
 */
final class CommitEncoder
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
    private final CRC32C crc = new CRC32C();
    private final ChainHash chain = new ChainHash();
    private int limit;
    private int count;
    private long firstPosition;

    void reset()
    {
        limit = COMMIT_HEADER_LENGTH;
        count = 0;
        firstPosition = 0;
    }

    int count()
    {
        return count;
    }

    long firstPosition()
    {
        return firstPosition;
    }

    /**
     * Appends one event; on an exception the commit is left as it was before the call.
     */
    void add(
        final long position,
        final String aggregateType,
        final String aggregateId,
        final long version,
        final String eventType,
        final int schemaVersion,
        final long timestampMicros,
        final String commandId,
        final String correlationId,
        final String causationId,
        final long commandFingerprint,
        final String traceparent,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (length < 0 || offset < 0 || (length > 0 && payload == null) ||
            (payload != null && (long)offset + length > payload.capacity()))
        {
            throw new IllegalArgumentException("payload range offset=" + offset + " length=" + length +
                " is outside the buffer (capacity " + (payload == null ? 0 : payload.capacity()) + ")");
        }
        final int start = limit;
        final boolean causationIsCommand = causationId != null && causationId.equals(commandId);
        try
        {
            buffer.checkLimit(start + EVENT_HEADER_LENGTH);
            buffer.putLong(start + EVENT_POSITION_OFFSET, position, LE);
            buffer.putLong(start + EVENT_TIMESTAMP_OFFSET, timestampMicros, LE);
            buffer.putLong(start + EVENT_VERSION_OFFSET, version, LE);
            buffer.putInt(start + EVENT_SCHEMA_OFFSET, schemaVersion, LE);
            buffer.putInt(start + EVENT_PAYLOAD_LENGTH_OFFSET, length, LE);
            final int flags = (causationIsCommand ? FLAG_CAUSATION_IS_COMMAND : 0) |
                (commandFingerprint != 0 ? FLAG_FINGERPRINT : 0) | (traceparent != null ? FLAG_TRACE : 0);
            buffer.putShort(start + EVENT_FLAGS_OFFSET, (short)flags, LE);
            buffer.putShort(start + EVENT_FLAGS_OFFSET + 2, (short)0, LE);
            int p = start + EVENT_HEADER_LENGTH;
            if (commandFingerprint != 0)
            {
                buffer.checkLimit(p + FINGERPRINT_LENGTH);
                buffer.putLong(p, commandFingerprint, LE);
                p += FINGERPRINT_LENGTH;
            }
            if (traceparent != null)
            {
                buffer.checkLimit(p + TRACE_LENGTH);
                if (!TraceContext.put(buffer, p, traceparent))
                {
                    throw new IllegalArgumentException("traceparent must be a W3C traceparent of version 00 " +
                        "(lowercase hex, ids not all zero), was '" + traceparent + "'");
                }
                p += TRACE_LENGTH;
            }
            p = putString(p, aggregateType, "aggregateType");
            p = putString(p, aggregateId, "aggregateId");
            p = putString(p, eventType, "eventType");
            p = putString(p, commandId, "commandId");
            p = putString(p, correlationId, "correlationId");
            if (!causationIsCommand)
            {
                p = putString(p, causationId, "causationId");
            }
            if (length > 0)
            {
                buffer.putBytes(p, payload, offset, length);
            }
            limit = p + length;
        }
        catch (final RuntimeException ex)
        {
            limit = start;
            throw ex;
        }
        if (count == 0)
        {
            firstPosition = position;
        }
        count++;
    }

    /**
     * Writes the commit header, the chain hash and the CRC32C trailer (format {@value CommitFormat#FORMAT_VERSION}).
     *
     * @param previous the previous commit's chain hash ({@link ChainHash#GENESIS} for the first chained commit).
     * @param hash     receives this commit's chain hash (32 bytes; must not be {@code previous}).
     * @return the full length of the encoded commit, CRC included.
     */
    int finish(final byte[] previous, final byte[] hash)
    {
        putHeader(FORMAT_VERSION);
        buffer.checkLimit(limit + CHAIN_HASH_LENGTH + CRC_LENGTH);
        chain.compute(previous, buffer, limit, hash);
        buffer.putBytes(limit, hash, 0, CHAIN_HASH_LENGTH);
        final int hashed = limit + CHAIN_HASH_LENGTH;
        putCrc(buffer, hashed, crc32c(crc, buffer.byteBuffer(), hashed));
        return hashed + CRC_LENGTH;
    }

    /**
     * Writes the commit header and the CRC32C trailer of format {@value CommitFormat#FORMAT_VERSION_2}, without a
     * chain hash: what journals written before the hash chain hold. Only for measuring what the chain costs (and only
     * for commits without trace contexts, which format 2 cannot hold).
     *
     * @return the full length of the encoded commit, CRC included.
     */
    int finishUnchained()
    {
        putHeader(FORMAT_VERSION_2);
        buffer.checkLimit(limit + CRC_LENGTH);
        putCrc(buffer, limit, crc32c(crc, buffer.byteBuffer(), limit));
        return limit + CRC_LENGTH;
    }

    private void putHeader(final byte version)
    {
        buffer.putByte(VERSION_OFFSET, version);
        buffer.putByte(COMMIT_FLAGS_OFFSET, (byte)0);
        buffer.putShort(COMMIT_FLAGS_OFFSET + 1, (short)0, LE);
        buffer.putInt(COUNT_OFFSET, count, LE);
        buffer.putLong(FIRST_POSITION_OFFSET, firstPosition, LE);
    }

    ExpandableDirectByteBuffer buffer()
    {
        return buffer;
    }

    private int putString(final int at, final String value, final String field)
    {
        if (value == null)
        {
            buffer.putShort(at, (short)NULL_STRING, LE);
            return at + 2;
        }
        final int chars = value.length();
        buffer.checkLimit(at + 2 + 3 * chars);
        int p = at + 2;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(p++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(p++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(p++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                buffer.putByte(p++, (byte)(0xF0 | (cp >> 18)));
                buffer.putByte(p++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                buffer.putByte(p++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                buffer.putByte(p++, (byte)(0x80 | (cp & 0x3F)));
            }
            else
            {
                final char u = Character.isSurrogate(c) ? '?' : c;
                buffer.putByte(p++, (byte)(0xE0 | (u >> 12)));
                buffer.putByte(p++, (byte)(0x80 | ((u >> 6) & 0x3F)));
                buffer.putByte(p++, (byte)(0x80 | (u & 0x3F)));
            }
        }
        final int bytes = p - at - 2;
        if (bytes > MAX_STRING_BYTES)
        {
            throw new IllegalArgumentException(field + " is " + bytes + " UTF-8 bytes, the limit is " + MAX_STRING_BYTES);
        }
        buffer.putShort(at, (short)bytes, LE);
        return p;
    }
}
