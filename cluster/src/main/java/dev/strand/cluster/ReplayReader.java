package dev.strand.cluster;

import dev.strand.engine.spi.FieldReader;
import org.agrona.DirectBuffer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

import static dev.strand.cluster.CommandMessages.*;
import static dev.strand.cluster.WireBuffers.ORDER;
import static dev.strand.cluster.WireBuffers.need;

/**
 * Replays recorded reads through the {@link FieldReader} interface: each read must ask for the field, by name and
 * kind, that ingress recorded at that point; the value is the recorded one. Names are compared without allocating.
 * Reads of a version-1 or version-2 message have no presence records: a presence read there is answered by looking at the next
 * recorded read (the value was there when ingress recorded a read of that name) without consuming it.
 */
final class ReplayReader implements FieldReader
{
    private DirectBuffer buffer;
    private int offset;
    private int limit;
    private int remaining;
    private boolean version1;

    void wrap(final DirectBuffer source, final int start, final int end, final int count, final boolean version1)
    {
        buffer = source;
        offset = start;
        limit = end;
        remaining = count;
        this.version1 = version1;
    }

    int remaining()
    {
        return remaining;
    }

    int offset()
    {
        return offset;
    }

    private void expect(final byte kind, final String name)
    {
        if (remaining == 0)
        {
            throw new IllegalStateException("field '" + name + "' read where ingress recorded no more reads");
        }
        need(offset, 1, limit);
        final byte recordedKind = buffer.getByte(offset);
        if (recordedKind != kind || !WireBuffers.stringEquals(buffer, offset + 1, limit, name))
        {
            throw new IllegalStateException("field '" + name + "' (kind " + kind + ") read where ingress recorded '" +
                WireBuffers.getString(buffer, offset + 1, limit) + "' (kind " + recordedKind + ")");
        }
        offset += 1 + WireBuffers.stringSize(buffer, offset + 1, limit);
        remaining--;
    }

    /** The recorded name of a map key, which the reader does not know beforehand. */
    private String key()
    {
        if (remaining == 0)
        {
            throw new IllegalStateException("map key read where ingress recorded no more reads");
        }
        need(offset, 1, limit);
        final byte recordedKind = buffer.getByte(offset);
        if (recordedKind != MAP_KEY)
        {
            throw new IllegalStateException("map key read where ingress recorded kind " + recordedKind);
        }
        final String key = WireBuffers.getString(buffer, offset + 1, limit);
        if (key == null)
        {
            throw new WireBuffers.MalformedMessageException("a map key recorded as null");
        }
        offset += 1 + WireBuffers.stringSize(buffer, offset + 1, limit);
        remaining--;
        return key;
    }

    private int count(final String name)
    {
        need(offset, Integer.BYTES, limit);
        final int count = buffer.getInt(offset, ORDER);
        offset += Integer.BYTES;
        if (count < 0)
        {
            throw new WireBuffers.MalformedMessageException("negative size " + count + " recorded for '" + name + "'");
        }
        return count;
    }

    @Override
    public long readLong(final String name)
    {
        expect(READ_LONG, name);
        need(offset, Long.BYTES, limit);
        final long value = buffer.getLong(offset, ORDER);
        offset += Long.BYTES;
        return value;
    }

    @Override
    public long readLong(final String name, final long absent)
    {
        return readLong(name);
    }

    @Override
    public String readString(final String name)
    {
        expect(READ_STRING, name);
        final String value = WireBuffers.getString(buffer, offset, limit);
        offset += WireBuffers.stringSize(buffer, offset, limit);
        return value;
    }

    @Override
    public String readString(final String name, final String absent)
    {
        return readString(name);
    }

    @Override
    public boolean readBoolean(final String name, final boolean absent)
    {
        return readBoolean(name);
    }

    @Override
    public boolean readBoolean(final String name)
    {
        expect(READ_BOOLEAN, name);
        need(offset, 1, limit);
        return buffer.getByte(offset++) != 0;
    }

    @Override
    public int readInt(final String name)
    {
        expect(READ_INT, name);
        need(offset, Integer.BYTES, limit);
        final int value = buffer.getInt(offset, ORDER);
        offset += Integer.BYTES;
        return value;
    }

    @Override
    public BigDecimal readDecimal(final String name)
    {
        expect(READ_DECIMAL, name);
        need(offset, 2 * Integer.BYTES, limit);
        final int scale = buffer.getInt(offset, ORDER);
        final int length = buffer.getInt(offset + Integer.BYTES, ORDER);
        if (length <= 0)
        {
            throw new WireBuffers.MalformedMessageException("decimal '" + name + "' recorded with " + length + " bytes");
        }
        need(offset + 2 * Integer.BYTES, length, limit);
        final byte[] unscaled = new byte[length];
        buffer.getBytes(offset + 2 * Integer.BYTES, unscaled);
        offset += 2 * Integer.BYTES + length;
        return new BigDecimal(new BigInteger(unscaled), scale);
    }

    @Override
    public Instant readInstant(final String name)
    {
        expect(READ_INSTANT, name);
        need(offset, Long.BYTES + Integer.BYTES, limit);
        final long seconds = buffer.getLong(offset, ORDER);
        final int nanos = buffer.getInt(offset + Long.BYTES, ORDER);
        offset += Long.BYTES + Integer.BYTES;
        if (nanos < 0 || nanos > 999_999_999)
        {
            throw new WireBuffers.MalformedMessageException("instant '" + name + "' recorded with " + nanos + " ns");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    @Override
    public boolean readPresence(final String name)
    {
        if (version1)
        {
            return remaining > 0 && WireBuffers.stringEquals(buffer, offset + 1, limit, name);
        }
        expect(READ_PRESENCE, name);
        need(offset, 1, limit);
        return buffer.getByte(offset++) != 0;
    }

    @Override
    public void beginObject(final String name)
    {
        expect(BEGIN_OBJECT, name);
    }

    @Override
    public void endObject()
    {
        expect(END_OBJECT, null);
    }

    @Override
    public int beginList(final String name)
    {
        expect(BEGIN_LIST, name);
        return count(name);
    }

    @Override
    public void endList()
    {
        expect(END_LIST, null);
    }

    @Override
    public int beginMap(final String name)
    {
        expect(BEGIN_MAP, name);
        return count(name);
    }

    @Override
    public String readKey()
    {
        return key();
    }

    @Override
    public void endMap()
    {
        expect(END_MAP, null);
    }
}
