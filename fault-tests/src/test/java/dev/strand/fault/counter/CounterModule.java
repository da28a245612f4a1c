package dev.strand.fault.counter;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;

import java.util.List;

/**
 * A small aggregate module ({@code counter}) in two releases that differ only in one {@code evolve}, packaged at test
 * time into two jars: the history written through one is replayed through the other ({@code strand replay
 * --compare}). {@code Add {n}} emits {@code Added {n}}; the state is the running total.
 */
public abstract class CounterModule extends AggregateModule<CounterModule.Counter>
{
    public static final String TYPE = "counter";

    public record Counter(long adds, long total)
    {
    }

    public record Add(long n)
    {
    }

    public record Added(long n)
    {
    }

    private final List<CommandType<Counter, ?>> commandTypes = List.of(
        CommandType.<Counter, Add>of("Add", in -> new Add(in.readLong("n")), (id, c, ctx) ->
        {
            ctx.emit(id, new Added(c.n()));
            return null;
        }));

    private final List<EventType<Counter, ?>> eventTypes = List.of(
        EventType.<Counter, Added>of("Added", Added.class, (e, out) -> out.writeLong("n", e.n()),
            in -> new Added(in.readLong("n")), (s, e) -> new Counter(s.adds() + 1, total(s.total(), e.n()))));

    /** The release's rule for the running total. */
    protected abstract long total(long before, long n);

    @Override
    public String aggregateType()
    {
        return TYPE;
    }

    @Override
    public Counter initialState()
    {
        return new Counter(0, 0);
    }

    @Override
    public List<CommandType<Counter, ?>> commandTypes()
    {
        return commandTypes;
    }

    @Override
    public List<EventType<Counter, ?>> eventTypes()
    {
        return eventTypes;
    }

    @Override
    public void writeState(final Counter state, final FieldWriter out)
    {
        out.writeLong("adds", state.adds()).writeLong("total", state.total());
    }

    @Override
    public Counter readState(final FieldReader in)
    {
        return new Counter(in.readLong("adds"), in.readLong("total"));
    }
}
