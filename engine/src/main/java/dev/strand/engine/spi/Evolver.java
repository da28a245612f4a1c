package dev.strand.engine.spi;

/** The {@code evolve} function of one event type: pure, returns the state after the event. */
@FunctionalInterface
public interface Evolver<S, E>
{
    S evolve(S state, E event);
}
