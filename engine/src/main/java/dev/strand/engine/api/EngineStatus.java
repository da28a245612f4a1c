package dev.strand.engine.api;

/**
 * The engine's lifecycle state.
 *
 * @param haltReason why the engine halted (journal write failure, free-space floor, broken invariant) or why its
 *                   capacity is exhausted, else null.
 */
public record EngineStatus(State state, String haltReason)
{
    public enum State
    {
        STARTING,
        RUNNING,
        /** Running, but refusing commands that add aggregates: the heap's headroom is below its floor. Not ready. */
        CAPACITY_EXHAUSTED,
        HALTED,
        STOPPING,
        STOPPED
    }

    public boolean ready()
    {
        return state == State.RUNNING;
    }
}
