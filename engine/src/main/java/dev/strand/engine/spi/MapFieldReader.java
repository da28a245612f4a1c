package dev.strand.engine.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads fields from a parsed JSON object (a {@code Map} of String, Number, Boolean, Map, List or null values,
 * as Jackson and Vert.x's {@code JsonObject.getMap()} produce). Strict: a wrong JSON type, a fraction or a number
 * beyond a signed 64-bit long is an {@link InvalidFieldException} naming the field.
 *
 * <p>JSON forms of the values added with records: a decimal is a string of plain decimal notation
 * ({@code "-12.50"}: an optional minus, digits, optionally a point and digits; no exponent, at most
 * {@value #MAX_DECIMAL_LENGTH} characters), never a JSON number (a parser would make a binary double of it); an instant
 * is an ISO-8601 string with {@code Z} or an offset ({@code "2026-11-22T10:15:30.123456Z"}).
 *
 * <p>It remembers which keys of each object a decoder asked for, so that after decoding the caller can refuse a field
 * the decoder never read, at any depth ({@link #firstUnreadField()}): a misspelt field must not be dropped silently.
 * One reader per decode; not thread-safe.
 */
public final class MapFieldReader implements FieldReader
{
    /** The longest decimal string accepted: 1000 characters is far beyond any amount, and bounds the parsing work. */
    public static final int MAX_DECIMAL_LENGTH = 1000;

    private static final int OBJECT = 0;
    private static final int LIST = 1;
    private static final int MAP = 2;

    private final Frame root;
    private Frame current;

    public MapFieldReader(final Map<String, ?> fields)
    {
        this.root = Frame.object(null, null, -1, fields == null ? Map.of() : fields);
        this.current = root;
    }

    /**
     * The first field, in the document's order and at any depth, that no read asked for since this reader was made
     * ({@code "currency"}, {@code "lines[0].skuu"}, {@code "reservations.o-1.note"}), or null when every field was
     * read. A decoder that accepts a field reads it, even when it ignores its value. Objects the decoder never
     * entered count as read only where the decoder read their key (their own fields are not looked at).
     */
    public String firstUnreadField()
    {
        return root.firstUnknown(null);
    }

    private Object value(final String name)
    {
        final Frame f = current;
        if (f.kind == LIST)
        {
            if (f.next >= f.list.size())
            {
                throw new IllegalStateException("read past the end of list " + path(f) + " (" + f.list.size() + " elements)");
            }
            return f.list.get(f.next++);
        }
        if (f.kind == MAP && f.currentKey >= 0 && f.keys[f.currentKey].equals(name))
        {
            return f.map.get(name);
        }
        final int i = f.indexOf(name);
        if (i < 0)
        {
            return null;
        }
        f.read[i] = true;
        return f.map.get(name);
    }

    private Object required(final String name)
    {
        final Object value = value(name);
        if (value == null)
        {
            throw InvalidFieldException.because(name, "is required");
        }
        return value;
    }

    @Override
    public long readLong(final String name)
    {
        return toLong(name, required(name));
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
        return toStringValue(name, required(name));
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
        return value == null ? absent : toBoolean(name, value);
    }

    @Override
    public boolean readBoolean(final String name)
    {
        return toBoolean(name, required(name));
    }

    @Override
    public int readInt(final String name)
    {
        final Object value = required(name);
        final long v = toLong(name, value);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
        {
            throw InvalidFieldException.because(name, "must be an integer within a signed 32-bit int");
        }
        return (int)v;
    }

    @Override
    public BigDecimal readDecimal(final String name)
    {
        final Object value = required(name);
        if (!(value instanceof String s))
        {
            throw InvalidFieldException.because(name, "must be a decimal in a string, such as \"12.50\"");
        }
        if (s.length() > MAX_DECIMAL_LENGTH || !isPlainDecimal(s))
        {
            throw InvalidFieldException.because(name, "must be a decimal in plain notation (digits, optionally a " +
                "point and digits, at most " + MAX_DECIMAL_LENGTH + " characters), such as \"12.50\"");
        }
        return new BigDecimal(s);
    }

    @Override
    public Instant readInstant(final String name)
    {
        final Object value = required(name);
        if (value instanceof String s && s.length() <= 64)
        {
            try
            {
                return Instant.parse(s);
            }
            catch (final DateTimeParseException ignored)
            {
                // the message below says what is expected
            }
        }
        throw InvalidFieldException.because(name, "must be an ISO-8601 instant in a string, such as " +
            "\"2026-11-22T10:15:30.123456Z\"");
    }

    @Override
    public boolean readPresence(final String name)
    {
        final Frame f = current;
        if (f.kind == LIST)
        {
            if (f.next < f.list.size() && f.list.get(f.next) == null)
            {
                f.next++;
                return false;
            }
            return f.next < f.list.size();
        }
        if (f.kind == MAP && f.currentKey >= 0 && f.keys[f.currentKey].equals(name))
        {
            return f.map.get(name) != null;
        }
        final int i = f.indexOf(name);
        if (i < 0)
        {
            return false;
        }
        f.read[i] = true;
        return f.map.get(name) != null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void beginObject(final String name)
    {
        final Object value = required(name);
        if (!(value instanceof Map<?, ?> map))
        {
            throw InvalidFieldException.because(name, "must be an object");
        }
        current = Frame.object(current, name, current.kind == LIST ? current.next - 1 : -1, (Map<String, ?>)map);
    }

    @Override
    public void endObject()
    {
        end(OBJECT, "endObject");
    }

    @Override
    public int beginList(final String name)
    {
        final Object value = required(name);
        if (!(value instanceof List<?> list))
        {
            throw InvalidFieldException.because(name, "must be an array");
        }
        current = Frame.list(current, name, current.kind == LIST ? current.next - 1 : -1, list);
        return list.size();
    }

    @Override
    public void endList()
    {
        end(LIST, "endList");
    }

    @Override
    @SuppressWarnings("unchecked")
    public int beginMap(final String name)
    {
        final Object value = required(name);
        if (!(value instanceof Map<?, ?> map))
        {
            throw InvalidFieldException.because(name, "must be an object");
        }
        current = Frame.map(current, name, current.kind == LIST ? current.next - 1 : -1, (Map<String, ?>)map);
        return map.size();
    }

    @Override
    public String readKey()
    {
        final Frame f = current;
        if (f.kind != MAP || f.nextKey >= f.order.length)
        {
            throw new IllegalStateException("readKey outside a map, or past its last entry");
        }
        final int i = f.order[f.nextKey++];
        f.read[i] = true;
        f.currentKey = i;
        return f.keys[i];
    }

    @Override
    public void endMap()
    {
        end(MAP, "endMap");
    }

    private void end(final int kind, final String what)
    {
        final Frame f = current;
        if (f.kind != kind || f.parent == null)
        {
            throw new IllegalStateException(what + " does not close the structure the decoder entered last");
        }
        current = f.parent;
        final String unknown = f.firstUnknown(path(f));
        if (unknown != null)
        {
            current.childUnknown(f, unknown);
        }
    }

    /** The path of a frame from the root: {@code lines[0]}, {@code reservations.o-1}; null for the root. */
    private static String path(final Frame f)
    {
        if (f.parent == null)
        {
            return null;
        }
        final String parent = path(f.parent);
        final String own = f.index >= 0 ? "[" + f.index + "]" : f.name;
        return InvalidFieldException.join(parent, own);
    }

    /** {@code -?[0-9]+(\.[0-9]+)?}, checked without a regular expression. */
    private static boolean isPlainDecimal(final String s)
    {
        int i = s.startsWith("-") ? 1 : 0;
        final int intStart = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9')
        {
            i++;
        }
        if (i == intStart)
        {
            return false;
        }
        if (i == s.length())
        {
            return true;
        }
        if (s.charAt(i) != '.')
        {
            return false;
        }
        final int fractionStart = ++i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9')
        {
            i++;
        }
        return i == s.length() && i > fractionStart;
    }

    private static boolean toBoolean(final String name, final Object value)
    {
        if (value instanceof Boolean b)
        {
            return b;
        }
        throw InvalidFieldException.because(name, "must be a boolean");
    }

    private static String toStringValue(final String name, final Object value)
    {
        if (value instanceof String s)
        {
            return s;
        }
        throw InvalidFieldException.because(name, "must be a string");
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
            throw InvalidFieldException.because(name, "is beyond a signed 64-bit integer");
        }
        if ((value instanceof Double d && !Double.isFinite(d)) || (value instanceof Float f && !Float.isFinite(f)))
        {
            // 1e400 parses as Infinity, which BigDecimal cannot hold
            throw InvalidFieldException.because(name, "must be an integer within a signed 64-bit long");
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
                throw InvalidFieldException.because(name, "must be an integer within a signed 64-bit long");
            }
        }
        throw InvalidFieldException.because(name, "must be an integer");
    }

    /** One object, list or map the decoder is inside, with what it read of it. */
    private static final class Frame
    {
        final Frame parent;
        final int kind;
        /** The key in the parent object or map; null for a list element. */
        final String name;
        /** The index in the parent list, or -1. */
        final int index;
        /** Objects and maps: the values, the keys in the document's order, which were read. */
        final Map<String, ?> map;
        final String[] keys;
        final boolean[] read;
        /** Objects and maps, allocated on the first unknown field below: per key, the first unknown inside it. */
        String[] childUnknown;
        /** Maps: the indexes of the keys in sorted order, the next to give, the key last given. */
        final int[] order;
        int nextKey;
        int currentKey = -1;
        /** Lists: the elements and the next to read; the first unknown field inside an element. */
        final List<?> list;
        int next;
        String listUnknown;

        private Frame(final Frame parent, final int kind, final String name, final int index, final Map<String, ?> map,
            final String[] keys, final int[] order, final List<?> list)
        {
            this.parent = parent;
            this.kind = kind;
            this.name = name;
            this.index = index;
            this.map = map;
            this.keys = keys;
            this.read = keys == null ? null : new boolean[keys.length];
            this.order = order;
            this.list = list;
        }

        static Frame object(final Frame parent, final String name, final int index, final Map<String, ?> map)
        {
            return new Frame(parent, OBJECT, name, index, map, map.keySet().toArray(new String[0]), null, null);
        }

        static Frame list(final Frame parent, final String name, final int index, final List<?> list)
        {
            return new Frame(parent, LIST, name, index, null, null, null, list);
        }

        static Frame map(final Frame parent, final String name, final int index, final Map<String, ?> map)
        {
            final String[] keys = map.keySet().toArray(new String[0]);
            final Integer[] sorted = new Integer[keys.length];
            for (int i = 0; i < sorted.length; i++)
            {
                sorted[i] = i;
            }
            Arrays.sort(sorted, Comparator.comparing((Integer i) -> keys[i]));
            final int[] order = new int[sorted.length];
            for (int i = 0; i < order.length; i++)
            {
                order[i] = sorted[i];
            }
            return new Frame(parent, MAP, name, index, map, keys, order, null);
        }

        int indexOf(final String key)
        {
            for (int i = 0; i < keys.length; i++)
            {
                if (keys[i].equals(key))
                {
                    return i;
                }
            }
            return -1;
        }

        /** Notes the first unknown field found inside {@code child}, a structure this frame holds. */
        void childUnknown(final Frame child, final String unknown)
        {
            if (kind == LIST)
            {
                if (listUnknown == null)
                {
                    listUnknown = unknown;
                }
                return;
            }
            final int i = indexOf(child.name);
            if (i >= 0)
            {
                if (childUnknown == null)
                {
                    childUnknown = new String[keys.length];
                }
                if (childUnknown[i] == null)
                {
                    childUnknown[i] = unknown;
                }
            }
        }

        /** The first unread key or unknown field below, in the document's order, named from {@code path}. */
        String firstUnknown(final String path)
        {
            if (kind == LIST)
            {
                return listUnknown;
            }
            for (int i = 0; i < keys.length; i++)
            {
                if (!read[i])
                {
                    return InvalidFieldException.join(path, keys[i]);
                }
                if (childUnknown != null && childUnknown[i] != null)
                {
                    return childUnknown[i];
                }
            }
            return null;
        }
    }
}
