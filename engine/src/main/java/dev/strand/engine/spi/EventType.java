package dev.strand.engine.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An event type a module registers: its name, its Java class, its current schema version with codec, decoders
 * (upcasters) for older schema versions, and its {@code evolve}.
 */
public final class EventType<S, E>
{
    private final String name;
    private final Class<E> javaType;
    private final int schemaVersion;
    private final EventEncoder<E> encoder;
    private final EventDecoder<E> decoder;
    private final Evolver<S, E> evolver;
    private final Map<Integer, EventDecoder<E>> upcasters;
    private final DataType.RecordType schema;
    private AggregateModule<S> module;

    private EventType(
        final String name,
        final Class<E> javaType,
        final int schemaVersion,
        final EventEncoder<E> encoder,
        final EventDecoder<E> decoder,
        final Evolver<S, E> evolver,
        final Map<Integer, EventDecoder<E>> upcasters,
        final DataType.RecordType schema)
    {
        if (schemaVersion < 1)
        {
            throw new IllegalArgumentException("schemaVersion must be >= 1: " + name);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.javaType = Objects.requireNonNull(javaType, "javaType");
        this.schemaVersion = schemaVersion;
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.evolver = Objects.requireNonNull(evolver, "evolver");
        this.upcasters = Collections.unmodifiableMap(new TreeMap<>(upcasters));
        this.schema = schema;
        for (final Integer v : this.upcasters.keySet())
        {
            if (v < 1 || v >= schemaVersion)
            {
                throw new IllegalArgumentException("upcaster for " + name + " v" + v + " must be below v" + schemaVersion);
            }
        }
    }

    /** An event type at schema version 1 with no upcasters. */
    public static <S, E> EventType<S, E> of(
        final String name,
        final Class<E> javaType,
        final EventEncoder<E> encoder,
        final EventDecoder<E> decoder,
        final Evolver<S, E> evolver)
    {
        return new EventType<>(name, javaType, 1, encoder, decoder, evolver, Map.of(), null);
    }

    /** An event type at {@code schemaVersion}; {@code upcasters} read each older version into the current class. */
    public static <S, E> EventType<S, E> versioned(
        final String name,
        final Class<E> javaType,
        final int schemaVersion,
        final EventEncoder<E> encoder,
        final EventDecoder<E> decoder,
        final Evolver<S, E> evolver,
        final Map<Integer, EventDecoder<E>> upcasters)
    {
        return new EventType<>(name, javaType, schemaVersion, encoder, decoder, evolver, upcasters, null);
    }

    /** An event type whose records are written and read by derived codecs, one per schema version. */
    static <S, E extends Record> EventType<S, E> derived(
        final String name,
        final EventVersions<E> versions,
        final Evolver<S, E> evolver)
    {
        final RecordCodec<E> current = RecordCodec.of(versions.current());
        final Map<Integer, EventDecoder<E>> upcasters = new java.util.HashMap<>();
        for (int v = 1; v < versions.schemaVersion(); v++)
        {
            final int version = v;
            final RecordCodec<? extends Record> old = RecordCodec.of(versions.record(v));
            upcasters.put(v, in -> versions.upcastFrom(version, old.read(in)));
        }
        return new EventType<>(name, versions.current(), versions.schemaVersion(), current::write, current::read,
            evolver, upcasters, current.type());
    }

    public String name()
    {
        return name;
    }

    public Class<E> javaType()
    {
        return javaType;
    }

    public int schemaVersion()
    {
        return schemaVersion;
    }

    public EventEncoder<E> encoder()
    {
        return encoder;
    }

    public Evolver<S, E> evolver()
    {
        return evolver;
    }

    /** @return the shape of the current version's data when it is derived from a record, else null (hand-written). */
    public DataType.RecordType schema()
    {
        return schema;
    }

    /**
     * @return the decoder for events stored at {@code storedSchemaVersion}, or {@code null} when that version is
     * unknown (newer than this build, or an old version without an upcaster).
     */
    public EventDecoder<E> decoderFor(final int storedSchemaVersion)
    {
        return storedSchemaVersion == schemaVersion ? decoder : upcasters.get(storedSchemaVersion);
    }

    /** Writes an event of this type; the unchecked cast is guarded by {@link #javaType()}. */
    public void encodeObject(final Object event, final FieldWriter out)
    {
        encoder.encode(javaType.cast(event), out);
    }

    /** Applies an event of this type. */
    public S evolveObject(final S state, final Object event)
    {
        return evolver.evolve(state, javaType.cast(event));
    }

    public AggregateModule<S> module()
    {
        return module;
    }

    void bind(final AggregateModule<S> module)
    {
        if (this.module != null && this.module != module)
        {
            throw new IllegalStateException("event type " + name + " registered by two modules");
        }
        this.module = module;
    }
}
