package dev.strand.engine.api;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.DataType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.MapFieldReader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog of {@code GET /schemas}: every aggregate type with its command and event types, each with a JSON Schema
 * (draft 2020-12) of its {@code data}, derived from the {@link DataType} of its record. Built once from the modules;
 * the tree is plain maps (in a fixed key order), lists, strings, numbers and booleans, so it serialises the same on
 * every build ({@link #canonicalJson}), which is what {@code schemas.lock} hashes.
 *
 * <p>A command or event type with a hand-written codec (SPI v1) has no derived shape: its schema is
 * {@code {"$schema": ..., "description": "hand-written codec: no schema derived"}}, which any data satisfies.
 */
public final class SchemaCatalog
{
    /** The dialect every schema names. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    /** The JSON form of a decimal (MapFieldReader's plain notation). */
    static final String DECIMAL_PATTERN = "^-?[0-9]+(\\.[0-9]+)?$";

    private final List<AggregateModule<?>> modules;

    private SchemaCatalog(final List<AggregateModule<?>> modules)
    {
        final List<AggregateModule<?>> sorted = new ArrayList<>(modules);
        sorted.sort(Comparator.comparing(AggregateModule::aggregateType));
        this.modules = List.copyOf(sorted);
    }

    /** @param modules the engine's modules ({@link EngineConfig#modules()}). */
    public static SchemaCatalog of(final List<AggregateModule<?>> modules)
    {
        return new SchemaCatalog(modules);
    }

    /** @return the modules, by aggregate type name. */
    public List<AggregateModule<?>> modules()
    {
        return modules;
    }

    /**
     * @return {@code {"aggregateTypes": [{"name", "commands": [{"type", "schema"}], "events": [{"type",
     * "schemaVersion", "schema"}]}]}}: aggregate types by name, command and event types in registration order.
     */
    public Map<String, Object> toTree()
    {
        final List<Object> types = new ArrayList<>();
        for (final AggregateModule<?> module : modules)
        {
            final List<Object> commands = new ArrayList<>();
            for (final CommandType<?, ?> command : module.commandTypes())
            {
                final Map<String, Object> c = new LinkedHashMap<>();
                c.put("type", command.name());
                c.put("schema", schema(command.schema()));
                commands.add(c);
            }
            final List<Object> events = new ArrayList<>();
            for (final EventType<?, ?> event : module.eventTypes())
            {
                final Map<String, Object> e = new LinkedHashMap<>();
                e.put("type", event.name());
                e.put("schemaVersion", event.schemaVersion());
                e.put("schema", schema(event.schema()));
                events.add(e);
            }
            final Map<String, Object> type = new LinkedHashMap<>();
            type.put("name", module.aggregateType());
            type.put("commands", commands);
            type.put("events", events);
            types.add(type);
        }
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("aggregateTypes", types);
        return root;
    }

    /**
     * @param type a record's shape, or null for a hand-written codec.
     * @return its JSON Schema document (with {@code $schema}).
     */
    public static Map<String, Object> schema(final DataType.RecordType type)
    {
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("$schema", DIALECT);
        if (type == null)
        {
            doc.put("description", "hand-written codec: no schema derived");
            return doc;
        }
        doc.putAll(of(type));
        return doc;
    }

    /** The schema of one data type, without {@code $schema}. */
    static Map<String, Object> of(final DataType type)
    {
        final Map<String, Object> s = new LinkedHashMap<>();
        if (type instanceof DataType.Scalar scalar)
        {
            switch (scalar)
            {
                case BOOLEAN -> s.put("type", "boolean");
                case INT ->
                {
                    s.put("type", "integer");
                    s.put("minimum", (long)Integer.MIN_VALUE);
                    s.put("maximum", (long)Integer.MAX_VALUE);
                }
                case LONG ->
                {
                    s.put("type", "integer");
                    s.put("minimum", Long.MIN_VALUE);
                    s.put("maximum", Long.MAX_VALUE);
                }
                case STRING -> s.put("type", "string");
                case DECIMAL ->
                {
                    s.put("type", "string");
                    s.put("pattern", DECIMAL_PATTERN);
                    s.put("maxLength", (long)MapFieldReader.MAX_DECIMAL_LENGTH);
                }
                case INSTANT ->
                {
                    s.put("type", "string");
                    s.put("format", "date-time");
                }
            }
        }
        else if (type instanceof DataType.EnumType e)
        {
            s.put("type", "string");
            s.put("enum", new ArrayList<Object>(e.constants()));
        }
        else if (type instanceof DataType.ListType l)
        {
            s.put("type", "array");
            s.put("items", of(l.element()));
        }
        else if (type instanceof DataType.MapType m)
        {
            s.put("type", "object");
            s.put("additionalProperties", of(m.value()));
        }
        else if (type instanceof DataType.RecordType r)
        {
            s.put("type", "object");
            final Map<String, Object> properties = new LinkedHashMap<>();
            final List<Object> required = new ArrayList<>();
            for (final DataType.Field f : r.fields())
            {
                final Map<String, Object> field = of(f.type());
                if (f.required())
                {
                    required.add(f.name());
                    properties.put(f.name(), field);
                }
                else
                {
                    // absent or null: null / Optional.empty(), or the default
                    final Map<String, Object> orNull = new LinkedHashMap<>();
                    orNull.put("anyOf", List.of(field, Map.of("type", "null")));
                    if (f.defaultValue() != null)
                    {
                        orNull.put("description", "default when absent or null: " + f.defaultValue());
                    }
                    properties.put(f.name(), orNull);
                }
            }
            s.put("properties", properties);
            s.put("required", required);
            s.put("additionalProperties", false);
        }
        return s;
    }

    /**
     * @return the tree as compact JSON, keys in the tree's order: the same text for the same schema on every build.
     */
    public static String canonicalJson(final Object tree)
    {
        final StringBuilder out = new StringBuilder();
        write(tree, out);
        return out.toString();
    }

    /** @return the SHA-256 (hex) of a schema's {@link #canonicalJson}. */
    public static String fingerprint(final Map<String, Object> schema)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonicalJson(schema).getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }

    private static void write(final Object value, final StringBuilder out)
    {
        if (value instanceof Map<?, ?> map)
        {
            out.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> e : map.entrySet())
            {
                if (!first)
                {
                    out.append(',');
                }
                first = false;
                string((String)e.getKey(), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        }
        else if (value instanceof List<?> list)
        {
            out.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                if (i > 0)
                {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        }
        else if (value instanceof String s)
        {
            string(s, out);
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            throw new IllegalArgumentException("not a JSON value: " + value);
        }
    }

    private static void string(final String s, final StringBuilder out)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
