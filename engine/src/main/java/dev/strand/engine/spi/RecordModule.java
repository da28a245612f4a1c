package dev.strand.engine.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An aggregate module written as records and pure functions (SPI v2): the state, every command and every event is a
 * Java record; the module declares, in its constructor, each command with its {@link Decider} and each event with its
 * {@link Evolver} (and its older schema versions, {@link EventVersions}). The codecs (binary for the journal and
 * snapshots, JSON for HTTP, the recorded reads a cluster replicates) are derived from the records' components when
 * the module is made ({@link RecordCodec}); {@link #writeState}/{@link #readState} are the state record's codec.
 *
 * <pre>{@code
 * public final class CounterModule extends RecordModule<Counter>
 * {
 *     public record Counter(long value) { }
 *     public record Add(long amount) { }
 *     public record Added(long amount, long value) { }
 *
 *     public CounterModule()
 *     {
 *         super("counter", Counter.class, new Counter(0));
 *         command(Add.class, (add, ctx) -> Decision.accept(new Added(add.amount(), ctx.state().value() + add.amount())));
 *         event(Added.class, (state, added) -> new Counter(added.value()));
 *     }
 * }
 * }</pre>
 *
 * Command and event type names are the records' simple names unless given; command names are unique within the
 * aggregate type, event names too. Register the module in {@code META-INF/services/dev.strand.engine.spi.AggregateModule}.
 *
 * @param <S> the state record.
 */
public abstract class RecordModule<S extends Record> extends AggregateModule<S>
{
    private final String aggregateType;
    private final Class<S> stateType;
    private final S initialState;
    private final RecordCodec<S> stateCodec;
    private final List<CommandType<S, ?>> commandTypes = new ArrayList<>();
    private final List<EventType<S, ?>> eventTypes = new ArrayList<>();
    private boolean sealed;

    /**
     * @param aggregateType the aggregate type name ({@code [a-z][a-z0-9-]*}), stored in every event.
     * @param stateType     the state record; its codec is derived here.
     * @param initialState  the state of an aggregate before its first event.
     * @throws IllegalArgumentException when the state record cannot be derived (an unsupported component type).
     */
    protected RecordModule(final String aggregateType, final Class<S> stateType, final S initialState)
    {
        this.aggregateType = Objects.requireNonNull(aggregateType, "aggregateType");
        this.stateType = Objects.requireNonNull(stateType, "stateType");
        this.initialState = Objects.requireNonNull(initialState, "initialState");
        this.stateCodec = RecordCodec.of(stateType);
    }

    /** Declares a command type named after its record ({@code Reserve} for {@code record Reserve(...)}). */
    protected final <C extends Record> void command(final Class<C> type, final Decider<S, C> decider)
    {
        command(type.getSimpleName(), type, decider);
    }

    /** Declares a command type. */
    protected final <C extends Record> void command(final String name, final Class<C> type, final Decider<S, C> decider)
    {
        checkOpen();
        commandTypes.add(CommandType.derived(name, RecordCodec.of(type), decider));
    }

    /** Declares an event type at schema version 1, named after its record. */
    protected final <E extends Record> void event(final Class<E> type, final Evolver<S, E> evolver)
    {
        event(type.getSimpleName(), EventVersions.of(type), evolver);
    }

    /** Declares an event type with its schema versions, named after its current record. */
    protected final <E extends Record> void event(final EventVersions<E> versions, final Evolver<S, E> evolver)
    {
        event(versions.current().getSimpleName(), versions, evolver);
    }

    /** Declares an event type with its schema versions. */
    protected final <E extends Record> void event(final String name, final EventVersions<E> versions,
        final Evolver<S, E> evolver)
    {
        checkOpen();
        eventTypes.add(EventType.derived(name, versions, evolver));
    }

    /**
     * Declares an event type with hand-written codecs: for an event whose derived codec measurably costs a hot path
     * (the ledger's reasoning is in its module). The encoder and decoder must keep the layout of every schema version
     * already journaled.
     */
    protected final void event(final EventType<S, ?> handWritten)
    {
        checkOpen();
        eventTypes.add(Objects.requireNonNull(handWritten, "handWritten"));
    }

    private void checkOpen()
    {
        if (sealed)
        {
            throw new IllegalStateException("module " + aggregateType + " is registered: declare its command and " +
                "event types in its constructor");
        }
    }

    @Override
    public final String aggregateType()
    {
        return aggregateType;
    }

    @Override
    public final S initialState()
    {
        return initialState;
    }

    @Override
    public final Class<S> stateType()
    {
        return stateType;
    }

    /** The state record's shape (for a JSON Schema of the state, among others). */
    @Override
    public final DataType.RecordType stateSchema()
    {
        return stateCodec.type();
    }

    @Override
    public final List<CommandType<S, ?>> commandTypes()
    {
        sealed = true;
        return List.copyOf(commandTypes);
    }

    @Override
    public final List<EventType<S, ?>> eventTypes()
    {
        sealed = true;
        return List.copyOf(eventTypes);
    }

    @Override
    public final void writeState(final S state, final FieldWriter out)
    {
        stateCodec.write(state, out);
    }

    @Override
    public final S readState(final FieldReader in)
    {
        return stateCodec.read(in);
    }
}
