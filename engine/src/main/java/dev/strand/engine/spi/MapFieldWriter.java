package dev.strand.engine.spi;

import java.util.LinkedHashMap;
import java.util.Map;

/** Writes fields into an insertion-ordered map, ready to be serialized as a JSON object. */
public final class MapFieldWriter implements FieldWriter
{
    private final Map<String, Object> fields;

    public MapFieldWriter()
    {
        this(new LinkedHashMap<>());
    }

    public MapFieldWriter(final Map<String, Object> fields)
    {
        this.fields = fields;
    }

    @Override
    public FieldWriter writeLong(final String name, final long value)
    {
        fields.put(name, value);
        return this;
    }

    @Override
    public FieldWriter writeString(final String name, final String value)
    {
        fields.put(name, value);
        return this;
    }

    @Override
    public FieldWriter writeBoolean(final String name, final boolean value)
    {
        fields.put(name, value);
        return this;
    }

    public Map<String, Object> fields()
    {
        return fields;
    }
}
