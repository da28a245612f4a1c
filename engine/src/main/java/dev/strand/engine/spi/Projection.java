package dev.strand.engine.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A projection users plug in: a named, deterministic fold of the event stream into keyed rows, each row a record.
 * Found with {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.strand.engine.spi.Projection} entry), on
 * the class path or in a {@code --modules} jar, like an {@link AggregateModule}. The projection declares, in its
 * constructor, each event record it folds with the key of the row it goes to and the fold; events it does not
 * declare pass it by.
 *
 * <pre>{@code
 * public final class OrdersPerAccount extends Projection<OrdersPerAccount.Orders>
 * {
 *     public record Orders(long placed, long total) { }
 *
 *     public OrdersPerAccount()
 *     {
 *         super("orders-per-account", Orders.class);
 *         on(OrderPlaced.class, (e, meta) -> e.account(),
 *             (row, e, meta) -> row == null ? new Orders(1, e.total()) : new Orders(row.placed() + 1, row.total() + e.total()));
 *     }
 * }
 * }</pre>
 *
 * The row's binary form (the projection's checkpoint) and its JSON (for {@code GET /projections/{name}/{key}}) are
 * derived from the record's components by {@link RecordCodec}, as a module's state is. Raise {@link #version} when
 * the fold changes what it computes: a checkpoint written by another version is not loaded and the rows are rebuilt
 * from the journal's start.
 *
 * @param <R> the row record.
 */
public abstract class Projection<R extends Record>
{
    /** Longest key, in characters. */
    public static final int MAX_KEY_LENGTH = 256;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    private final String name;
    private final RecordCodec<R> rowCodec;
    private final List<Handler<R, ?>> handlers = new ArrayList<>();
    private int version = 1;
    private ProjectionErrorPolicy errorPolicy = ProjectionErrorPolicy.STOP;

    /**
     * @param name    the projection's name ({@code [a-z][a-z0-9-]*}, at most 64 characters): its URL and the
     *                directory of its checkpoints.
     * @param rowType the row record; its codec is derived here.
     * @throws IllegalArgumentException when the name is not valid or the row record cannot be derived.
     */
    protected Projection(final String name, final Class<R> rowType)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("projection name must match " + NAME.pattern() + ": " + name);
        }
        this.name = name;
        this.rowCodec = RecordCodec.of(Objects.requireNonNull(rowType, "rowType"));
    }

    /**
     * Declares an event record the projection folds: {@code key} chooses the row, {@code fold} computes its new value.
     * The record is one a module registers as an event (by it the engine finds its aggregate type and event type).
     */
    protected final <E extends Record> void on(final Class<E> eventType, final ProjectionKey<E> key,
        final ProjectionFold<R, E> fold)
    {
        Objects.requireNonNull(eventType, "eventType");
        for (final Handler<R, ?> h : handlers)
        {
            if (h.eventType() == eventType)
            {
                throw new IllegalArgumentException("projection " + name + " declares " + eventType.getSimpleName() + " twice");
            }
        }
        handlers.add(new Handler<>(eventType, Objects.requireNonNull(key, "key"), Objects.requireNonNull(fold, "fold")));
    }

    /** Sets the fold's version (default 1): raise it when the fold changes, so old checkpoints are not loaded. */
    protected final void version(final int value)
    {
        if (value < 1)
        {
            throw new IllegalArgumentException("projection version must be >= 1: " + value);
        }
        version = value;
    }

    /** Sets what happens when the fold throws (default {@link ProjectionErrorPolicy#STOP}). */
    protected final void errorPolicy(final ProjectionErrorPolicy value)
    {
        errorPolicy = Objects.requireNonNull(value, "errorPolicy");
    }

    public final String name()
    {
        return name;
    }

    public final Class<R> rowType()
    {
        return rowCodec.javaType();
    }

    /** The row record's codec: its binary form in checkpoints and its JSON on the wire. */
    public final RecordCodec<R> rowCodec()
    {
        return rowCodec;
    }

    public final int version()
    {
        return version;
    }

    public final ProjectionErrorPolicy errorPolicy()
    {
        return errorPolicy;
    }

    /** The declared event records with their keys and folds, in declaration order. */
    public final List<Handler<R, ?>> handlers()
    {
        return List.copyOf(handlers);
    }

    /**
     * One declared event record.
     *
     * @param eventType the event record.
     * @param key       chooses the row.
     * @param fold      computes the row.
     * @param <R>       the row record.
     * @param <E>       the event record.
     */
    public record Handler<R extends Record, E extends Record>(Class<E> eventType, ProjectionKey<E> key,
        ProjectionFold<R, E> fold)
    {
        /** The key for an event of this handler's type; the cast is guarded by {@link #eventType}. */
        public String keyOf(final Object event, final EventMeta meta)
        {
            return key.key(eventType.cast(event), meta);
        }

        /** The new row for an event of this handler's type. */
        public R foldObject(final R row, final Object event, final EventMeta meta)
        {
            return fold.fold(row, eventType.cast(event), meta);
        }
    }
}
