package dev.strand.engine.testdomain;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;

import java.util.List;

/**
 * A module with bugs: its {@code Explode} handler throws, and the event {@code Garble} emits cannot be encoded (the
 * engine must reject those commands and go on); {@code Drifted}'s evolve is not deterministic: it fails on the
 * read model's thread only (the engine must halt: its replicas disagree).
 */
public final class FaultyModule extends AggregateModule<String>
{
    public record Explode()
    {
    }

    public record Exploded()
    {
    }

    public record Garble()
    {
    }

    public record Garbled()
    {
    }

    public record Drift()
    {
    }

    public record Drifted()
    {
    }

    private final List<CommandType<String, ?>> commandTypes = List.of(
        CommandType.of("Explode", in -> new Explode(), (id, c, ctx) ->
        {
            throw new IllegalStateException("bug in a module");
        }),
        CommandType.of("Garble", in -> new Garble(), (id, c, ctx) ->
        {
            ctx.emit(id, new Garbled());
            return null;
        }),
        CommandType.of("Drift", in -> new Drift(), (id, c, ctx) ->
        {
            ctx.emit(id, new Drifted());
            return null;
        }));

    private final List<EventType<String, ?>> eventTypes = List.of(
        EventType.of("Exploded", Exploded.class, (e, out) -> { }, in -> new Exploded(), (s, e) -> "exploded"),
        EventType.of("Garbled", Garbled.class, (e, out) ->
        {
            throw new IllegalStateException("bug in a module's event codec");
        }, in -> new Garbled(), (s, e) -> "garbled"),
        EventType.of("Drifted", Drifted.class, (e, out) -> { }, in -> new Drifted(), (s, e) ->
        {
            if ("read-model".equals(Thread.currentThread().getName()))
            {
                throw new IllegalStateException("Drifted.evolve depends on more than the state and the event");
            }
            return "drifted";
        }));

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
