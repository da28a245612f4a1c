package dev.strand.fault.module;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately buggy aggregate module ({@code gadget}) for the fault tests; packaged at test time into a jar put
 * next to strand.jar, found by the server's ServiceLoader. Never on the server's class path otherwise.
 * <ul>
 * <li>{@code Tick {n}}: a well-behaved command, emits {@code Ticked}; {@code n = 13} makes the event's
 * <em>encoder</em> throw (a codec bug);</li>
 * <li>{@code Explode}: its handler throws (a decide bug);</li>
 * <li>{@code Drift}: emits {@code Drifted}, whose evolve is not pure: it counts its calls in a static and throws on
 * every second one, so the writer applies the event and the next replica to apply it fails (a broken invariant:
 * replicas of the same journal disagree).</li>
 * </ul>
 */
public final class GadgetModule extends AggregateModule<GadgetModule.Gadget>
{
    public static final String TYPE = "gadget";
    public static final long UNENCODABLE = 13;
    private static final AtomicLong DRIFT_EVOLVES = new AtomicLong();

    public record Gadget(long ticks, long total)
    {
    }

    public record Tick(long n)
    {
    }

    public record Explode()
    {
    }

    public record Drift()
    {
    }

    public record Ticked(long n)
    {
    }

    public record Drifted()
    {
    }

    private final List<CommandType<Gadget, ?>> commandTypes = List.of(
        CommandType.<Gadget, Tick>of("Tick", in -> new Tick(in.readLong("n", 1)), (id, c, ctx) ->
        {
            ctx.emit(id, new Ticked(c.n()));
            return null;
        }),
        CommandType.<Gadget, Explode>of("Explode", in -> new Explode(), (id, c, ctx) ->
        {
            throw new IllegalStateException("gadget " + id + " exploded in decide (a module bug)");
        }),
        CommandType.<Gadget, Drift>of("Drift", in -> new Drift(), (id, c, ctx) ->
        {
            ctx.emit(id, new Drifted());
            return null;
        }));

    private final List<EventType<Gadget, ?>> eventTypes = List.of(
        EventType.<Gadget, Ticked>of("Ticked", Ticked.class,
            (e, out) ->
            {
                if (e.n() == UNENCODABLE)
                {
                    throw new IllegalArgumentException("the Ticked encoder cannot write n=" + e.n() + " (a module bug)");
                }
                out.writeLong("n", e.n());
            },
            in -> new Ticked(in.readLong("n")),
            (s, e) -> new Gadget(s.ticks() + 1, s.total() + e.n())),
        EventType.<Gadget, Drifted>of("Drifted", Drifted.class,
            (e, out) -> out.writeLong("marker", 1),
            in -> new Drifted(),
            (s, e) ->
            {
                if (DRIFT_EVOLVES.incrementAndGet() % 2 == 0)
                {
                    throw new IllegalStateException("Drifted.evolve is not deterministic: call " + DRIFT_EVOLVES.get());
                }
                return new Gadget(s.ticks(), s.total());
            }));

    @Override
    public String aggregateType()
    {
        return TYPE;
    }

    @Override
    public Gadget initialState()
    {
        return new Gadget(0, 0);
    }

    @Override
    public List<CommandType<Gadget, ?>> commandTypes()
    {
        return commandTypes;
    }

    @Override
    public List<EventType<Gadget, ?>> eventTypes()
    {
        return eventTypes;
    }

    @Override
    public void writeState(final Gadget state, final FieldWriter out)
    {
        out.writeLong("ticks", state.ticks()).writeLong("total", state.total());
    }

    @Override
    public Gadget readState(final FieldReader in)
    {
        return new Gadget(in.readLong("ticks"), in.readLong("total"));
    }
}
