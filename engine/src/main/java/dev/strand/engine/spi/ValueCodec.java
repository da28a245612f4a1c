package dev.strand.engine.spi;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads and writes one value of one {@link DataType} through a {@link FieldReader} / {@link FieldWriter}: the pieces
 * {@link RecordCodec} is made of, derived once when a record type is registered. Errors while reading name the field
 * relative to the enclosing object and gain the rest of the path on the way out ({@link InvalidFieldException#within}).
 */
abstract class ValueCodec
{
    abstract DataType type();

    /** Reads a required value named {@code name} ({@code null} inside a list). */
    abstract Object read(FieldReader in, String name);

    /** Writes a value that is not null. */
    abstract void write(FieldWriter out, String name, Object value);

    /**
     * The value of a {@link Default} for this type, parsed once.
     *
     * @throws IllegalArgumentException for a type that takes no default, an optional component, or text that is not
     *                                  a value of the type.
     */
    Object parseDefault(final String text, final String where, final boolean optional)
    {
        throw new IllegalArgumentException(where + ": @Default is for long, boolean, String and enum components");
    }

    /** Reads a value with a default: the default when absent (the one-read form a hand-written decoder used). */
    Object readOr(final FieldReader in, final String name, final Object defaultValue)
    {
        throw new IllegalStateException("no default read for " + type());
    }

    static void noDefaultWhenOptional(final String where, final boolean optional)
    {
        if (optional)
        {
            throw new IllegalArgumentException(where + ": a component is either optional (null when absent) or has a " +
                "@Default, not both");
        }
    }

    /** Reads an optional value: null when absent. Strings and enums carry their absence inline; others a presence. */
    Object readOptional(final FieldReader in, final String name)
    {
        return in.readPresence(name) ? read(in, name) : null;
    }

    /** Writes an optional value, null when absent. */
    void writeOptional(final FieldWriter out, final String name, final Object value)
    {
        out.writePresence(name, value != null);
        if (value != null)
        {
            write(out, name, value);
        }
    }

    /**
     * Derives the codec of a value of Java type {@code type}.
     *
     * @param where    the component it is for, to name in errors ({@code "Order.lines"}).
     * @param deriving the record classes being derived around it (a record may not contain itself).
     * @throws IllegalArgumentException for a type the codecs do not support, naming it and what is supported.
     */
    static ValueCodec of(final Type type, final String where, final Deque<Class<?>> deriving)
    {
        if (type instanceof Class<?> c)
        {
            if (c == boolean.class || c == Boolean.class)
            {
                return BooleanCodec.INSTANCE;
            }
            if (c == int.class || c == Integer.class)
            {
                return IntCodec.INSTANCE;
            }
            if (c == long.class || c == Long.class)
            {
                return LongCodec.INSTANCE;
            }
            if (c == String.class)
            {
                return StringCodec.INSTANCE;
            }
            if (c == BigDecimal.class)
            {
                return DecimalCodec.INSTANCE;
            }
            if (c == Instant.class)
            {
                return InstantCodec.INSTANCE;
            }
            if (c.isEnum())
            {
                return new EnumCodec(c);
            }
            if (c.isRecord())
            {
                return new RecordValueCodec(RecordCodec.derive(c, deriving));
            }
            if (c == List.class || c == Map.class || c == Optional.class)
            {
                throw unsupported(where, type, c.getSimpleName() + " needs its type argument");
            }
            throw unsupported(where, type, null);
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw)
        {
            final Type[] args = p.getActualTypeArguments();
            if (raw == List.class)
            {
                return new ListCodec(of(element(args[0], where), where + "[]", deriving));
            }
            if (raw == Map.class)
            {
                if (args[0] != String.class)
                {
                    throw unsupported(where, type, "map keys must be String");
                }
                return new MapCodec(of(element(args[1], where), where + "{}", deriving));
            }
            if (raw == Optional.class)
            {
                throw unsupported(where, type, "Optional is for a record component itself, not inside a list or map");
            }
        }
        throw unsupported(where, type, null);
    }

    private static Type element(final Type type, final String where)
    {
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class)
        {
            throw unsupported(where, type, "lists and maps hold values, not Optionals");
        }
        return type;
    }

    static IllegalArgumentException unsupported(final String where, final Type type, final String why)
    {
        return new IllegalArgumentException(where + ": type " + type.getTypeName() + " is not supported" +
            (why == null ? "" : " (" + why + ")") + "; a record component may be boolean, int, long (or their boxes), " +
            "String, BigDecimal, Instant, an enum, a record, List<X>, Map<String, X>, or Optional<X> / @Nullable for " +
            "an optional one");
    }

    static final class BooleanCodec extends ValueCodec
    {
        static final BooleanCodec INSTANCE = new BooleanCodec();

        @Override
        DataType type()
        {
            return DataType.Scalar.BOOLEAN;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            return in.readBoolean(name);
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.writeBoolean(name, (Boolean)value);
        }

        @Override
        Object parseDefault(final String text, final String where, final boolean optional)
        {
            noDefaultWhenOptional(where, optional);
            if (!text.equals("true") && !text.equals("false"))
            {
                throw new IllegalArgumentException(where + ": @Default(\"" + text + "\") is not true or false");
            }
            return Boolean.valueOf(text);
        }

        @Override
        Object readOr(final FieldReader in, final String name, final Object defaultValue)
        {
            return in.readBoolean(name, (Boolean)defaultValue);
        }
    }

    static final class IntCodec extends ValueCodec
    {
        static final IntCodec INSTANCE = new IntCodec();

        @Override
        DataType type()
        {
            return DataType.Scalar.INT;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            return in.readInt(name);
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.writeInt(name, (Integer)value);
        }
    }

    static final class LongCodec extends ValueCodec
    {
        static final LongCodec INSTANCE = new LongCodec();

        @Override
        DataType type()
        {
            return DataType.Scalar.LONG;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            return in.readLong(name);
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.writeLong(name, (Long)value);
        }

        @Override
        Object parseDefault(final String text, final String where, final boolean optional)
        {
            noDefaultWhenOptional(where, optional);
            try
            {
                return Long.valueOf(text);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(where + ": @Default(\"" + text + "\") is not a long", ex);
            }
        }

        @Override
        Object readOr(final FieldReader in, final String name, final Object defaultValue)
        {
            return in.readLong(name, (Long)defaultValue);
        }
    }

    static final class StringCodec extends ValueCodec
    {
        static final StringCodec INSTANCE = new StringCodec();

        @Override
        DataType type()
        {
            return DataType.Scalar.STRING;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            final String value = in.readString(name);
            if (value == null)
            {
                throw InvalidFieldException.because(name, "is required");
            }
            return value;
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.writeString(name, (String)value);
        }

        @Override
        Object readOptional(final FieldReader in, final String name)
        {
            return in.readString(name, null);
        }

        @Override
        Object parseDefault(final String text, final String where, final boolean optional)
        {
            noDefaultWhenOptional(where, optional);
            return text;
        }

        @Override
        Object readOr(final FieldReader in, final String name, final Object defaultValue)
        {
            final String value = in.readString(name, (String)defaultValue);
            return value == null ? defaultValue : value;
        }

        @Override
        void writeOptional(final FieldWriter out, final String name, final Object value)
        {
            out.writeString(name, (String)value);
        }
    }

    static final class DecimalCodec extends ValueCodec
    {
        static final DecimalCodec INSTANCE = new DecimalCodec();

        @Override
        DataType type()
        {
            return DataType.Scalar.DECIMAL;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            return in.readDecimal(name);
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.writeDecimal(name, (BigDecimal)value);
        }
    }

    static final class InstantCodec extends ValueCodec
    {
        static final InstantCodec INSTANCE = new InstantCodec();

        @Override
        DataType type()
        {
            return DataType.Scalar.INSTANT;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            return in.readInstant(name);
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.writeInstant(name, (Instant)value);
        }
    }

    /** An enum by constant name, like a string (so an optional one is a null string). */
    static final class EnumCodec extends ValueCodec
    {
        private final DataType.EnumType type;
        private final Map<String, Object> constants = new HashMap<>();
        private final String choices;

        EnumCodec(final Class<?> enumType)
        {
            final List<String> names = new ArrayList<>();
            for (final Object constant : enumType.getEnumConstants())
            {
                final String name = ((Enum<?>)constant).name();
                names.add(name);
                constants.put(name, constant);
            }
            this.type = new DataType.EnumType(enumType, names);
            this.choices = String.join(", ", names);
        }

        @Override
        DataType type()
        {
            return type;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            final String value = in.readString(name);
            if (value == null)
            {
                throw InvalidFieldException.because(name, "is required");
            }
            return constant(name, value);
        }

        private Object constant(final String name, final String value)
        {
            final Object constant = constants.get(value);
            if (constant == null)
            {
                throw InvalidFieldException.because(name, "must be one of " + choices);
            }
            return constant;
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.writeString(name, ((Enum<?>)value).name());
        }

        @Override
        Object readOptional(final FieldReader in, final String name)
        {
            final String value = in.readString(name, null);
            return value == null ? null : constant(name, value);
        }

        @Override
        void writeOptional(final FieldWriter out, final String name, final Object value)
        {
            out.writeString(name, value == null ? null : ((Enum<?>)value).name());
        }

        @Override
        Object parseDefault(final String text, final String where, final boolean optional)
        {
            noDefaultWhenOptional(where, optional);
            final Object constant = constants.get(text);
            if (constant == null)
            {
                throw new IllegalArgumentException(where + ": @Default(\"" + text + "\") is not one of " + choices);
            }
            return constant;
        }

        @Override
        Object readOr(final FieldReader in, final String name, final Object defaultValue)
        {
            final String value = in.readString(name, ((Enum<?>)defaultValue).name());
            return constant(name, value == null ? ((Enum<?>)defaultValue).name() : value);
        }
    }

    /** A nested record, as an object. */
    static final class RecordValueCodec extends ValueCodec
    {
        private final RecordCodec<?> codec;

        RecordValueCodec(final RecordCodec<?> codec)
        {
            this.codec = codec;
        }

        @Override
        DataType type()
        {
            return codec.type();
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            in.beginObject(name);
            final Object value;
            try
            {
                value = codec.read(in);
            }
            catch (final InvalidFieldException ex)
            {
                throw ex.within(name);
            }
            in.endObject();
            return value;
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            out.beginObject(name);
            codec.writeObject(value, out);
            out.endObject();
        }
    }

    /** A list: its elements are read and written with the name null. Read as an unmodifiable list. */
    static final class ListCodec extends ValueCodec
    {
        /** A stored count is not trusted for the first allocation: a list grows past this as it is read. */
        private static final int MAX_INITIAL_CAPACITY = 1024;
        private final ValueCodec element;
        private final DataType.ListType type;

        ListCodec(final ValueCodec element)
        {
            this.element = element;
            this.type = new DataType.ListType(element.type());
        }

        @Override
        DataType type()
        {
            return type;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            final int size = in.beginList(name);
            final List<Object> list = new ArrayList<>(Math.min(size, MAX_INITIAL_CAPACITY));
            for (int i = 0; i < size; i++)
            {
                try
                {
                    list.add(element.read(in, null));
                }
                catch (final InvalidFieldException ex)
                {
                    throw ex.within(InvalidFieldException.join(name, "[" + i + "]"));
                }
            }
            in.endList();
            return Collections.unmodifiableList(list);
        }

        @Override
        void write(final FieldWriter out, final String name, final Object value)
        {
            final List<?> list = (List<?>)value;
            final int size = list.size();
            out.beginList(name, size);
            for (int i = 0; i < size; i++)
            {
                final Object e = list.get(i);
                if (e == null)
                {
                    throw new IllegalStateException("list " + name + " holds null at index " + i);
                }
                element.write(out, null, e);
            }
            out.endList();
        }
    }

    /**
     * A map with string keys, written in key order; read as an unmodifiable sorted map (iterating it is deterministic,
     * as decide and evolve must be, whatever map the module built).
     */
    static final class MapCodec extends ValueCodec
    {
        private final ValueCodec value;
        private final DataType.MapType type;

        MapCodec(final ValueCodec value)
        {
            this.value = value;
            this.type = new DataType.MapType(value.type());
        }

        @Override
        DataType type()
        {
            return type;
        }

        @Override
        Object read(final FieldReader in, final String name)
        {
            final int size = in.beginMap(name);
            final TreeMap<String, Object> map = new TreeMap<>();
            for (int i = 0; i < size; i++)
            {
                final String key = in.readKey();
                try
                {
                    map.put(key, value.read(in, key));
                }
                catch (final InvalidFieldException ex)
                {
                    throw ex.within(name);
                }
            }
            in.endMap();
            return Collections.unmodifiableSortedMap(map);
        }

        @Override
        void write(final FieldWriter out, final String name, final Object object)
        {
            final Map<?, ?> map = (Map<?, ?>)object;
            out.beginMap(name, map.size());
            if (map instanceof SortedMap<?, ?> sorted && sorted.comparator() == null)
            {
                for (final Map.Entry<?, ?> e : map.entrySet())
                {
                    entry(out, name, e.getKey(), e.getValue());
                }
            }
            else
            {
                final Object[] keys = map.keySet().toArray();
                for (final Object key : keys)
                {
                    if (!(key instanceof String))
                    {
                        throw new IllegalStateException("map " + name + " has a key that is not a string: " + key);
                    }
                }
                Arrays.sort(keys);
                for (final Object key : keys)
                {
                    entry(out, name, key, map.get(key));
                }
            }
            out.endMap();
        }

        private void entry(final FieldWriter out, final String name, final Object key, final Object v)
        {
            if (v == null)
            {
                throw new IllegalStateException("map " + name + " holds null at key " + key);
            }
            out.writeKey((String)key);
            value.write(out, (String)key, v);
        }
    }
}
