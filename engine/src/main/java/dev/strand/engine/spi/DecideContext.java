package dev.strand.engine.spi;

/**
 * What {@code decide} may see and do: the current state of aggregates of the module's own type, the command's
 * ingress time, and emitting events. Only valid during the call.
 */
public interface DecideContext<S>
{
    /** @return true when the aggregate exists (has at least one event) and is of this module's type. */
    boolean exists(String aggregateId);

    /** @return the aggregate's state, or the module's initial state when it does not exist. */
    S state(String aggregateId);

    /** @return the aggregate's current version, 0 when it does not exist. */
    long version(String aggregateId);

    /** The time the command was stamped at ingress, in epoch microseconds. */
    long timestampMicros();

    /** Emits an event on an aggregate of this module's type (the command's target or another, as a transfer does). */
    void emit(String aggregateId, Object event);
}
