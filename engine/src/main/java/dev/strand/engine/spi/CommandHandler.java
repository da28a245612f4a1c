package dev.strand.engine.spi;

import dev.strand.engine.api.Rejection;

/**
 * The {@code decide} function of one command type: pure, deterministic, no clock, no I/O. It reads state through
 * the context and emits events into it.
 *
 * @param <S> the aggregate state type.
 * @param <C> the command type.
 */
@FunctionalInterface
public interface CommandHandler<S, C>
{
    /**
     * @param aggregateId the command's target aggregate.
     * @param command     the decoded command.
     * @param ctx         read access to current state, and where events go.
     * @return {@code null} when accepted (the emitted events are journaled), else the rejection (nothing emitted counts).
     */
    Rejection decide(String aggregateId, C command, DecideContext<S> ctx);
}
