package dev.strand.engine.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The schema versions of one event type, oldest first: one record per version (each describes that version's stored
 * layout, from which its codec is derived) and an {@link Upcast} from each to the next. The last record is the current
 * version, the one decide emits and evolve takes; its schema version is the number of records. Old events are read with
 * their own version's codec and upcast step by step to the current one.
 *
 * <pre>{@code
 * EventVersions.of(ItemRegisteredV1.class)
 *     .then(ItemRegisteredV2.class, v1 -> new ItemRegisteredV2(v1.name(), "uncategorized"))
 *     .then(ItemRegistered.class, v2 -> new ItemRegistered(v2.name(), v2.category(), Unit.PIECE))
 * }</pre>
 *
 * Immutable: {@link #then} returns a new chain.
 *
 * @param <E> the current version's record.
 */
public final class EventVersions<E extends Record>
{
    private final List<Class<? extends Record>> records;
    private final List<Upcast<Object, Object>> upcasts;

    private EventVersions(final List<Class<? extends Record>> records, final List<Upcast<Object, Object>> upcasts)
    {
        this.records = records;
        this.upcasts = upcasts;
    }

    /** An event type's first schema version. */
    public static <V extends Record> EventVersions<V> of(final Class<V> firstVersion)
    {
        return new EventVersions<>(List.of(Objects.requireNonNull(firstVersion, "firstVersion")), List.of());
    }

    /** The versions so far and one more, {@code next}, which {@code upcast} makes from the version before it. */
    @SuppressWarnings("unchecked")
    public <N extends Record> EventVersions<N> then(final Class<N> next, final Upcast<? super E, ? extends N> upcast)
    {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(upcast, "upcast");
        if (records.contains(next))
        {
            throw new IllegalArgumentException(next.getName() + " is already a version of this event type");
        }
        final List<Class<? extends Record>> r = new ArrayList<>(records);
        r.add(next);
        final List<Upcast<Object, Object>> u = new ArrayList<>(upcasts);
        u.add((Upcast<Object, Object>)(Upcast<?, ?>)upcast);
        return new EventVersions<>(List.copyOf(r), List.copyOf(u));
    }

    /** The current version's record. */
    @SuppressWarnings("unchecked")
    public Class<E> current()
    {
        return (Class<E>)records.get(records.size() - 1);
    }

    /** The current schema version: 1 for a single record. */
    public int schemaVersion()
    {
        return records.size();
    }

    /** The record of schema version {@code version} (from 1). */
    public Class<? extends Record> record(final int version)
    {
        return records.get(version - 1);
    }

    /** @return {@code old}, an event of schema version {@code version}, upcast to the current version. */
    @SuppressWarnings("unchecked")
    E upcastFrom(final int version, final Object old)
    {
        Object value = old;
        for (int v = version; v < records.size(); v++)
        {
            value = upcasts.get(v - 1).upcast(value);
            if (value == null)
            {
                throw new IllegalStateException("the upcast from " + records.get(v - 1).getSimpleName() + " (v" + v +
                    ") returned null");
            }
        }
        return (E)value;
    }
}
