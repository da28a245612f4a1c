package dev.strand.engine.spi;

/**
 * Chooses the row an event is folded into. Pure, like the fold.
 *
 * @param <E> the event record.
 */
@FunctionalInterface
public interface ProjectionKey<E extends Record>
{
    /**
     * @return the row's key (1 to {@value Projection#MAX_KEY_LENGTH} characters), or null to leave the event out of
     * the projection.
     */
    String key(E event, EventMeta meta);
}
