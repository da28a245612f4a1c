package dev.strand.engine.spi;

/**
 * The {@code decide} function of one command type (SPI v2): pure and deterministic (no clock, no I/O, no randomness;
 * time is {@link DecisionContext#timestampMicros()}), from the command and what it reads through the context to a
 * {@link Decision}, never null.
 *
 * @param <S> the state type of the command's aggregate type.
 * @param <C> the command record.
 */
@FunctionalInterface
public interface Decider<S, C>
{
    Decision decide(C command, DecisionContext<S> ctx);
}
