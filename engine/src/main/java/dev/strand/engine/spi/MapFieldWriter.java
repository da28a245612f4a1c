package dev.strand.engine.spi;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes fields into an insertion-ordered map, ready to be serialized as a JSON object: nested objects and maps as
 * {@code LinkedHashMap}s, lists as {@code ArrayList}s, decimals as plain decimal strings, instants as ISO-8601
 * strings in UTC, an absent optional value as {@code null}. The JSON forms {@link MapFieldReader} reads back.
 */
public final class MapFieldWriter implements FieldWriter
{
    private final Map<String, Object> fields;
    /** The containers entered and not yet left: maps (objects and maps) or lists. */
    private final Deque<Object> open = new ArrayDeque<>();

    public MapFieldWriter()
    {
        this(new LinkedHashMap<>());
    }

    public MapFieldWriter(final Map<String, Object> fields)
    {
        this.fields = fields;
    }

    @SuppressWarnings("unchecked")
    private void put(final String name, final Object value)
    {
        final Object container = open.isEmpty() ? fields : open.peek();
        if (container instanceof List<?> list)
        {
            ((List<Object>)list).add(value);
        }
        else
        {
            ((Map<String, Object>)container).put(name, value);
        }
    }

    @Override
    public FieldWriter writeLong(final String name, final long value)
    {
        put(name, value);
        return this;
    }

    @Override
    public FieldWriter writeString(final String name, final String value)
    {
        put(name, value);
        return this;
    }

    @Override
    public FieldWriter writeBoolean(final String name, final boolean value)
    {
        put(name, value);
        return this;
    }

    @Override
    public FieldWriter writeInt(final String name, final int value)
    {
        put(name, value);
        return this;
    }

    @Override
    public FieldWriter writeDecimal(final String name, final BigDecimal value)
    {
        put(name, value.toPlainString());
        return this;
    }

    @Override
    public FieldWriter writeInstant(final String name, final Instant value)
    {
        put(name, value.toString());
        return this;
    }

    @Override
    public FieldWriter writePresence(final String name, final boolean present)
    {
        if (!present)
        {
            put(name, null);
        }
        return this;
    }

    @Override
    public FieldWriter beginObject(final String name)
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        put(name, object);
        open.push(object);
        return this;
    }

    @Override
    public FieldWriter endObject()
    {
        close(Map.class, "endObject");
        return this;
    }

    @Override
    public FieldWriter beginList(final String name, final int size)
    {
        final List<Object> list = new ArrayList<>(size);
        put(name, list);
        open.push(list);
        return this;
    }

    @Override
    public FieldWriter endList()
    {
        close(List.class, "endList");
        return this;
    }

    @Override
    public FieldWriter beginMap(final String name, final int size)
    {
        return beginObject(name);
    }

    @Override
    public FieldWriter writeKey(final String key)
    {
        return this;
    }

    @Override
    public FieldWriter endMap()
    {
        close(Map.class, "endMap");
        return this;
    }

    private void close(final Class<?> kind, final String what)
    {
        if (open.isEmpty() || !kind.isInstance(open.peek()))
        {
            throw new IllegalStateException(what + " does not close the structure written last");
        }
        open.pop();
    }

    public Map<String, Object> fields()
    {
        return fields;
    }
}
