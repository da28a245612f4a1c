package dev.strand.engine.spi;

import java.time.Instant;

/**
 * What a {@link Decider} may read: the command's aggregate (whose type the engine checked before deciding), any other
 * aggregate by id with its type checked (by its state class), and the command's ingress time. Reads see the committed
 * state plus what earlier commands of the same unit (an atomic batch) staged. Only valid during the call.
 *
 * @param <S> the state type of the command's aggregate type.
 */
public interface DecisionContext<S>
{
    /** The command's aggregate. */
    String aggregateId();

    /** @return true when the command's aggregate exists (has at least one event). */
    boolean exists();

    /** @return the command's aggregate's state, or the module's initial state when it does not exist. */
    S state();

    /** @return the command's aggregate's version, 0 when it does not exist. */
    long version();

    /** The time the command was stamped at ingress, in epoch microseconds. */
    long timestampMicros();

    /** {@link #timestampMicros()} as an instant. */
    default Instant timestamp()
    {
        final long micros = timestampMicros();
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /**
     * @param stateType the state class of an aggregate type ({@code Account.class}).
     * @return true when {@code aggregateId} exists and is of that aggregate type (false when it does not exist, or is
     * of another type).
     * @throws IllegalArgumentException when no aggregate type has that state class (a module bug).
     */
    boolean exists(Class<?> stateType, String aggregateId);

    /**
     * @return the state of {@code aggregateId}, of the aggregate type whose state class is {@code stateType}; that
     * type's initial state when it does not exist. When it exists as another type, the command is refused (409
     * AGGREGATE_TYPE_MISMATCH) whatever the decision, and this returns the initial state.
     * @throws IllegalArgumentException when no aggregate type has that state class (a module bug).
     */
    <T> T state(Class<T> stateType, String aggregateId);

    /**
     * @return the version of {@code aggregateId} when it is of the aggregate type of {@code stateType}, 0 when it does
     * not exist (of another type: as {@link #state(Class, String)}).
     */
    long version(Class<?> stateType, String aggregateId);
}
