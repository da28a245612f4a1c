package dev.strand.engine.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Reads fields from a parsed JSON object (a {@code Map} of String, Number, Boolean, Map, List or null values,
 * as Jackson and Vert.x's {@code JsonObject.getMap()} produce). Strict: a wrong JSON type, a fraction or a number
 * beyond a signed 64-bit long is an {@link InvalidFieldException} naming the field.
 *
 * <p>It remembers which of the map's keys a decoder asked for, so that after decoding the caller can refuse a field
 * the decoder never read ({@link #firstUnreadField()}): a misspelt field must not be dropped silently. One reader
 * per decode; sharing one between threads only blurs that record, never the values read.
 */
public final class MapFieldReader implements FieldReader
{
    private final Map<String, ?> fields;
    /** The map's keys in iteration order (document order for parsed JSON), and which of them were read. */
    private final String[] keys;
    private final boolean[] read;

    public MapFieldReader(final Map<String, ?> fields)
    {
        this.fields = fields == null ? Map.of() : fields;
        this.keys = this.fields.keySet().toArray(new String[0]);
        this.read = new boolean[keys.length];
    }

    /**
     * The first key of the map (in its iteration order) that no read method asked for since this reader was made,
     * or null when every key was read. A decoder that accepts a field reads it, even when it ignores its value.
     */
    public String firstUnreadField()
    {
        for (int i = 0; i < keys.length; i++)
        {
            if (!read[i])
            {
                return keys[i];
            }
        }
        return null;
    }

    private Object value(final String name)
    {
        for (int i = 0; i < keys.length; i++)
        {
            if (keys[i].equals(name))
            {
                read[i] = true;
                return fields.get(name);
            }
        }
        return null;
    }

    @Override
    public long readLong(final String name)
    {
        final Object value = value(name);
        if (value == null)
        {
            throw new InvalidFieldException(name, "field '" + name + "' is required");
        }
        return toLong(name, value);
    }

    @Override
    public long readLong(final String name, final long absent)
    {
        final Object value = value(name);
        return value == null ? absent : toLong(name, value);
    }

    @Override
    public String readString(final String name)
    {
        final Object value = value(name);
        if (value == null)
        {
            throw new InvalidFieldException(name, "field '" + name + "' is required");
        }
        return toStringValue(name, value);
    }

    @Override
    public String readString(final String name, final String absent)
    {
        final Object value = value(name);
        return value == null ? absent : toStringValue(name, value);
    }

    @Override
    public boolean readBoolean(final String name, final boolean absent)
    {
        final Object value = value(name);
        if (value == null)
        {
            return absent;
        }
        if (value instanceof Boolean b)
        {
            return b;
        }
        throw new InvalidFieldException(name, "field '" + name + "' must be a boolean");
    }

    private static String toStringValue(final String name, final Object value)
    {
        if (value instanceof String s)
        {
            return s;
        }
        throw new InvalidFieldException(name, "field '" + name + "' must be a string");
    }

    private static long toLong(final String name, final Object value)
    {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
        {
            return ((Number)value).longValue();
        }
        if (value instanceof BigInteger big)
        {
            if (big.bitLength() < 64)
            {
                return big.longValue();
            }
            throw new InvalidFieldException(name, "field '" + name + "' is beyond a signed 64-bit integer");
        }
        if ((value instanceof Double d && !Double.isFinite(d)) || (value instanceof Float f && !Float.isFinite(f)))
        {
            // 1e400 parses as Infinity, which BigDecimal cannot hold
            throw new InvalidFieldException(name, "field '" + name + "' must be an integer within a signed 64-bit long");
        }
        if (value instanceof BigDecimal || value instanceof Double || value instanceof Float)
        {
            final BigDecimal decimal = value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
            try
            {
                return decimal.longValueExact();
            }
            catch (final ArithmeticException ex)
            {
                throw new InvalidFieldException(name, "field '" + name + "' must be an integer within a signed 64-bit long");
            }
        }
        throw new InvalidFieldException(name, "field '" + name + "' must be an integer");
    }
}
