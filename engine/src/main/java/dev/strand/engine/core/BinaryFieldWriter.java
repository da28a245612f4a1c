package dev.strand.engine.core;

import dev.strand.engine.spi.FieldWriter;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * Positional binary encoding of fields (names are not stored), all integers little-endian:
 * <ul>
 * <li>long: 8 bytes; int: 4 bytes; boolean: one byte (0 or 1);</li>
 * <li>string: an int length in bytes (-1 for null) and the UTF-8 bytes;</li>
 * <li>decimal: the scale (int), then the unscaled value as an int length and its two's-complement big-endian bytes
 * (exact: {@code 1.50} stays {@code 1.50});</li>
 * <li>instant: epoch seconds (long) and nanoseconds (int): exact;</li>
 * <li>presence of an optional value: one byte, 1 then the value, or 0;</li>
 * <li>object: its fields, nothing around them; list: the element count (int) then the elements; map: the entry
 * count (int) then per entry its key (a string) and its value.</li>
 * </ul>
 * Reused: {@link #reset()} between values.
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

    @Override
    public FieldWriter writeInt(final String name, final int value)
    {
        buffer.putInt(length, value, ByteOrder.LITTLE_ENDIAN);
        length += Integer.BYTES;
        return this;
    }

    @Override
    public FieldWriter writeDecimal(final String name, final BigDecimal value)
    {
        final byte[] unscaled = value.unscaledValue().toByteArray();
        writeInt(name, value.scale());
        writeInt(name, unscaled.length);
        buffer.putBytes(length, unscaled);
        length += unscaled.length;
        return this;
    }

    @Override
    public FieldWriter writeInstant(final String name, final Instant value)
    {
        writeLong(name, value.getEpochSecond());
        return writeInt(name, value.getNano());
    }

    @Override
    public FieldWriter writePresence(final String name, final boolean present)
    {
        return writeBoolean(name, present);
    }

    @Override
    public FieldWriter beginObject(final String name)
    {
        return this;
    }

    @Override
    public FieldWriter endObject()
    {
        return this;
    }

    @Override
    public FieldWriter beginList(final String name, final int size)
    {
        return writeInt(name, size);
    }

    @Override
    public FieldWriter endList()
    {
        return this;
    }

    @Override
    public FieldWriter beginMap(final String name, final int size)
    {
        return writeInt(name, size);
    }

    @Override
    public FieldWriter writeKey(final String key)
    {
        return writeString(null, key);
    }

    @Override
    public FieldWriter endMap()
    {
        return this;
    }

    byte[] toByteArray()
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

}
