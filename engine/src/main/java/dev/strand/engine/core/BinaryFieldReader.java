package dev.strand.engine.core;

import dev.strand.engine.spi.FieldReader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * Reads what {@link BinaryFieldWriter} wrote, positionally (its javadoc has the layout). A read past the end, or a
 * value no writer writes (a negative count, a presence byte other than 0 or 1), means the stored bytes do not match
 * the codec: {@link IllegalStateException}.
 */
public final class BinaryFieldReader implements FieldReader
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private int offset;
    private int limit;

    public BinaryFieldReader wrap(final DirectBuffer source, final int offset, final int length)
    {
        if (length == 0)
        {
            buffer.wrap(new byte[0]);
        }
        else
        {
            buffer.wrap(source, offset, length);
        }
        this.offset = 0;
        this.limit = length;
        return this;
    }

    BinaryFieldReader wrap(final byte[] bytes)
    {
        buffer.wrap(bytes);
        this.offset = 0;
        this.limit = bytes.length;
        return this;
    }

    /** True when every stored byte was read: a codec that reads less than was written is a mismatch. */
    public boolean exhausted()
    {
        return offset == limit;
    }

    private void need(final int bytes, final String name)
    {
        if (offset + bytes > limit)
        {
            throw new IllegalStateException("stored value too short reading field '" + name + "'");
        }
    }

    @Override
    public long readLong(final String name)
    {
        need(Long.BYTES, name);
        final long value = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
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
        need(Integer.BYTES, name);
        final int length = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        if (length < 0)
        {
            offset += Integer.BYTES;
            return null;
        }
        need(Integer.BYTES + length, name);
        final String value = buffer.getStringUtf8(offset, ByteOrder.LITTLE_ENDIAN);
        offset += Integer.BYTES + length;
        return value;
    }

    @Override
    public String readString(final String name, final String absent)
    {
        final String value = readString(name);
        return value == null ? absent : value;
    }

    @Override
    public boolean readBoolean(final String name, final boolean absent)
    {
        need(1, name);
        return buffer.getByte(offset++) != 0;
    }

    @Override
    public boolean readBoolean(final String name)
    {
        return readBoolean(name, false);
    }

    @Override
    public int readInt(final String name)
    {
        need(Integer.BYTES, name);
        final int value = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        offset += Integer.BYTES;
        return value;
    }

    @Override
    public BigDecimal readDecimal(final String name)
    {
        final int scale = readInt(name);
        final int length = count(name);
        if (length == 0)
        {
            throw new IllegalStateException("stored decimal '" + name + "' has no digits");
        }
        need(length, name);
        final byte[] unscaled = new byte[length];
        buffer.getBytes(offset, unscaled);
        offset += length;
        return new BigDecimal(new BigInteger(unscaled), scale);
    }

    @Override
    public Instant readInstant(final String name)
    {
        final long seconds = readLong(name);
        final int nanos = readInt(name);
        if (nanos < 0 || nanos > 999_999_999)
        {
            throw new IllegalStateException("stored instant '" + name + "' has " + nanos + " nanoseconds");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    @Override
    public boolean readPresence(final String name)
    {
        need(1, name);
        final byte b = buffer.getByte(offset++);
        if (b != 0 && b != 1)
        {
            throw new IllegalStateException("stored presence of '" + name + "' is " + b);
        }
        return b == 1;
    }

    @Override
    public void beginObject(final String name)
    {
    }

    @Override
    public void endObject()
    {
    }

    @Override
    public int beginList(final String name)
    {
        return count(name);
    }

    @Override
    public void endList()
    {
    }

    @Override
    public int beginMap(final String name)
    {
        return count(name);
    }

    @Override
    public String readKey()
    {
        final String key = readString("(map key)");
        if (key == null)
        {
            throw new IllegalStateException("stored map key is null");
        }
        return key;
    }

    @Override
    public void endMap()
    {
    }

    private int count(final String name)
    {
        final int count = readInt(name);
        if (count < 0)
        {
            throw new IllegalStateException("stored count of '" + name + "' is " + count);
        }
        return count;
    }
}
