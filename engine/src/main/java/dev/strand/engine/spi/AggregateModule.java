package dev.strand.engine.spi;

import java.util.List;

/**
 * An aggregate type users plug in: found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.strand.engine.spi.AggregateModule} entry), so adding a jar adds the module.
 * Everything it does must be deterministic: the same events always evolve to the same state.
 *
 * @param <S> the state type: immutable, or never mutated after {@code evolve} returned it.
 */
public abstract class AggregateModule<S>
{
    private boolean bound;

    /** The aggregate type name, e.g. {@code "account"}: [a-z][a-z0-9-]*, stored in every event. */
    public abstract String aggregateType();

    /** The state of an aggregate before its first event. */
    public abstract S initialState();

    /**
     * The state's class, when the module declares one ({@link RecordModule}s do): decisions of other modules read this
     * module's aggregates by it ({@link DecisionContext#state(Class, String)}). Null when not declared; each class
     * belongs to one aggregate type.
     */
    public Class<S> stateType()
    {
        return null;
    }

    /** The shape of the state's fields when the module derives its state codec ({@link RecordModule}), else null. */
    public DataType.RecordType stateSchema()
    {
        return null;
    }

    public abstract List<CommandType<S, ?>> commandTypes();

    public abstract List<EventType<S, ?>> eventTypes();

    /** Writes a state (for queries and snapshots); the same fields in the same order every time. */
    public abstract void writeState(S state, FieldWriter out);

    /** Reads a state written by {@link #writeState}. */
    public abstract S readState(FieldReader in);

    /** Ties the module's command and event types to it; called once by the engine's registry. */
    public final synchronized void bind()
    {
        if (bound)
        {
            return;
        }
        for (final CommandType<S, ?> type : commandTypes())
        {
            type.bind(this);
        }
        for (final EventType<S, ?> type : eventTypes())
        {
            type.bind(this);
        }
        bound = true;
    }
}
