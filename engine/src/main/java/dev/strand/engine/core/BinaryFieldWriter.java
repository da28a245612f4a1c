package dev.strand.engine.core;

import dev.strand.engine.spi.FieldWriter;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Positional binary encoding of fields (names are not stored): longs as 8 bytes little-endian, booleans as one
 * byte, strings as an int length (-1 for null) and UTF-8 bytes. Reused: {@link #reset()} between values.
 */
public final class BinaryFieldWriter implements FieldWriter
{
    private final MutableDirectBuffer buffer;
    private int length;

    public BinaryFieldWriter()
    {
        this(new ExpandableDirectByteBuffer(256));
    }

    public BinaryFieldWriter(final MutableDirectBuffer buffer)
    {
        this.buffer = buffer;
    }

    public BinaryFieldWriter reset()
    {
        length = 0;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int length()
    {
        return length;
    }

    @Override
    public FieldWriter writeLong(final String name, final long value)
    {
        buffer.putLong(length, value, ByteOrder.LITTLE_ENDIAN);
        length += Long.BYTES;
        return this;
    }

    @Override
    public FieldWriter writeString(final String name, final String value)
    {
        if (value == null)
        {
            buffer.putInt(length, -1, ByteOrder.LITTLE_ENDIAN);
            length += Integer.BYTES;
        }
        else
        {
            final int written = buffer.putStringUtf8(length, value, ByteOrder.LITTLE_ENDIAN, Integer.MAX_VALUE);
            length += written;
        }
        return this;
    }

    @Override
    public FieldWriter writeBoolean(final String name, final boolean value)
    {
        buffer.putByte(length, value ? (byte)1 : (byte)0);
        length += 1;
        return this;
    }

    byte[] toByteArray()
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

}
