package dev.strand.engine.testdomain;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.Evolver;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A module as a new version of it would be: the same as {@code base} (a fresh instance, whose command and event types
 * this one binds), except that one event type's {@code evolve} is replaced. For replay tests: the history a module
 * wrote, replayed through a changed {@code evolve}, names the aggregates it changes.
 *
 * @param <S> the state.
 */
public final class EvolveChangedModule<S> extends AggregateModule<S>
{
    private final AggregateModule<S> base;
    private final List<EventType<S, ?>> eventTypes = new ArrayList<>();

    /**
     * @param base      a fresh, unbound instance of the module.
     * @param eventType the event type whose evolve changes.
     * @param evolver   the new evolve.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public EvolveChangedModule(final AggregateModule<S> base, final String eventType, final Evolver<S, ?> evolver)
    {
        this.base = base;
        for (final EventType<S, ?> type : base.eventTypes())
        {
            if (type.name().equals(eventType))
            {
                eventTypes.add(rebuilt((EventType)type, (Evolver)evolver));
            }
            else
            {
                eventTypes.add(type);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EventType rebuilt(final EventType type, final Evolver evolver)
    {
        return EventType.of(type.name(), type.javaType(), type.encoder(), type.decoderFor(type.schemaVersion()), evolver);
    }

    @Override
    public String aggregateType()
    {
        return base.aggregateType();
    }

    @Override
    public S initialState()
    {
        return base.initialState();
    }

    @Override
    public List<CommandType<S, ?>> commandTypes()
    {
        return base.commandTypes();
    }

    @Override
    public List<EventType<S, ?>> eventTypes()
    {
        return eventTypes;
    }

    @Override
    public void writeState(final S state, final FieldWriter out)
    {
        base.writeState(state, out);
    }

    @Override
    public S readState(final FieldReader in)
    {
        return base.readState(in);
    }
}
