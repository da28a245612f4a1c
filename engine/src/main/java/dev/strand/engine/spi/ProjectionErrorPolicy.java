package dev.strand.engine.spi;

/**
 * What a projection does when its key function or fold throws on an event (a bug in the projection: the journal
 * itself is never wrong). Either way the engine goes on taking commands and the other projections go on.
 */
public enum ProjectionErrorPolicy
{
    /**
     * The projection stops at the failing event: its status becomes {@code failed}, its position stays at the event
     * before, the error and the event's position are logged and shown by {@code GET /projections}. Its rows stay
     * served as they were. The default: rows that silently miss an event are worse than rows that stop.
     */
    STOP,
    /** The event is left out of the projection's rows and counted in its {@code errors}; the projection goes on. */
    SKIP
}
