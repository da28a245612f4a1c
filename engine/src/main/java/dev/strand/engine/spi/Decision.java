package dev.strand.engine.spi;

import dev.strand.engine.api.Rejection;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link Decider} decided: accepted with its events (in order; each on the command's aggregate or on another
 * one, of any aggregate type), or rejected with a {@link Rejection}. Never null. Immutable: {@link #and} and
 * {@link #andOn} return a new decision.
 *
 * <pre>{@code
 * return Decision.accept(new TransferSent(to, amount, balance)).andOn(to, new TransferReceived(id, amount, credit));
 * return Decision.reject(INSUFFICIENT_FUNDS, "account " + id + " has " + balance);
 * }</pre>
 *
 * An event's class says its event type and so its aggregate type: an event on an aggregate that does not exist yet
 * creates it, of that type; an event on an aggregate of another type refuses the command (409
 * AGGREGATE_TYPE_MISMATCH). All the events of a command, and of every command of an atomic batch, are journaled in
 * one commit, or none is.
 */
public final class Decision
{
    private static final Decision NOTHING = new Decision(null, null, null, null, 0);

    private final Rejection rejection;
    /** The only event, when there is one. */
    private final Object single;
    /** The events, when there are several. */
    private final Object[] events;
    /** Per event, the aggregate it is on (null: the command's); null when every event is on the command's. */
    private final String[] targets;
    private final int size;

    private Decision(final Rejection rejection, final Object single, final Object[] events, final String[] targets,
        final int size)
    {
        this.rejection = rejection;
        this.single = single;
        this.events = events;
        this.targets = targets;
        this.size = size;
    }

    /** Accepted, with one event on the command's aggregate. */
    public static Decision accept(final Object event)
    {
        return new Decision(null, Objects.requireNonNull(event, "event"), null, null, 1);
    }

    /** Accepted, with these events on the command's aggregate, in order (none: accepted, and nothing happens). */
    public static Decision accept(final Object... events)
    {
        if (events.length == 0)
        {
            return NOTHING;
        }
        if (events.length == 1)
        {
            return accept(events[0]);
        }
        final Object[] copy = events.clone();
        for (final Object e : copy)
        {
            Objects.requireNonNull(e, "event");
        }
        return new Decision(null, null, copy, null, copy.length);
    }

    /** Accepted with one event on another aggregate (of any aggregate type), nothing on the command's. */
    public static Decision acceptOn(final String aggregateId, final Object event)
    {
        return NOTHING.andOn(aggregateId, event);
    }

    /** Rejected by a business rule: 422 with {@code code} (UPPER_SNAKE_CASE). */
    public static Decision reject(final String code, final String detail)
    {
        return new Decision(Rejection.business(code, detail), null, null, null, 0);
    }

    /** Rejected: any rejection, such as {@link Rejection#notFound} or {@link Rejection#exists}. */
    public static Decision reject(final Rejection rejection)
    {
        return new Decision(Objects.requireNonNull(rejection, "rejection"), null, null, null, 0);
    }

    /** This decision and one more event on the command's aggregate. */
    public Decision and(final Object event)
    {
        return append(null, event);
    }

    /** This decision and one more event, on {@code aggregateId}. */
    public Decision andOn(final String aggregateId, final Object event)
    {
        return append(Objects.requireNonNull(aggregateId, "aggregateId"), event);
    }

    private Decision append(final String target, final Object event)
    {
        Objects.requireNonNull(event, "event");
        if (rejection != null)
        {
            throw new IllegalStateException("a rejected decision has no events");
        }
        final Object[] e = Arrays.copyOf(events != null ? events : size == 1 ? new Object[] {single} : new Object[0],
            size + 1);
        e[size] = event;
        final String[] t = targets == null ? new String[size + 1] : Arrays.copyOf(targets, size + 1);
        t[size] = target;
        return new Decision(null, null, e, t, size + 1);
    }

    public boolean accepted()
    {
        return rejection == null;
    }

    /** @return the rejection, or null when accepted. */
    public Rejection rejection()
    {
        return rejection;
    }

    /** @return the number of events (0 when rejected). */
    public int size()
    {
        return size;
    }

    /** @return event {@code i}, in the order they are journaled. */
    public Object event(final int i)
    {
        Objects.checkIndex(i, size);
        return events == null ? single : events[i];
    }

    /** @return the aggregate event {@code i} is on, or null for the command's own. */
    public String aggregateId(final int i)
    {
        Objects.checkIndex(i, size);
        return targets == null ? null : targets[i];
    }

    @Override
    public String toString()
    {
        if (rejection != null)
        {
            return "Decision[rejected " + rejection.code() + "]";
        }
        final StringBuilder sb = new StringBuilder("Decision[accepted");
        for (int i = 0; i < size; i++)
        {
            sb.append(i == 0 ? " " : ", ").append(event(i).getClass().getSimpleName());
            if (aggregateId(i) != null)
            {
                sb.append(" on ").append(aggregateId(i));
            }
        }
        return sb.append(']').toString();
    }
}
