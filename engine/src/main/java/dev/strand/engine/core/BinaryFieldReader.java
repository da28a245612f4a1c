package dev.strand.engine.core;

import dev.strand.engine.spi.FieldReader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Reads what {@link BinaryFieldWriter} wrote, positionally. A read past the end means the stored bytes do not
 * match the codec: {@link IllegalStateException}.
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
}
