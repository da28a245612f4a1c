package dev.strand.engine.testdomain;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;

import java.util.List;

/** A module with a bug: its {@code Explode} handler throws. The engine must reject that command and go on. */
public final class FaultyModule extends AggregateModule<String>
{
    public record Explode()
    {
    }

    public record Exploded()
    {
    }

    private final List<CommandType<String, ?>> commandTypes = List.of(
        CommandType.of("Explode", in -> new Explode(), (id, c, ctx) ->
        {
            throw new IllegalStateException("bug in a module");
        }));

    private final List<EventType<String, ?>> eventTypes = List.of(
        EventType.of("Exploded", Exploded.class, (e, out) -> { }, in -> new Exploded(), (s, e) -> "exploded"));

    @Override
    public String aggregateType()
    {
        return "faulty";
    }

    @Override
    public String initialState()
    {
        return "";
    }

    @Override
    public List<CommandType<String, ?>> commandTypes()
    {
        return commandTypes;
    }

    @Override
    public List<EventType<String, ?>> eventTypes()
    {
        return eventTypes;
    }

    @Override
    public void writeState(final String state, final FieldWriter out)
    {
        out.writeString("state", state);
    }

    @Override
    public String readState(final FieldReader in)
    {
        return in.readString("state");
    }
}
