package dev.strand.engine.api;

/**
 * The engine's lifecycle state.
 *
 * @param haltReason why the engine halted (journal write failure, free-space floor, broken invariant), else null.
 */
public record EngineStatus(State state, String haltReason)
{
    public enum State
    {
        STARTING, RUNNING, HALTED, STOPPING, STOPPED
    }

    public boolean ready()
    {
        return state == State.RUNNING;
    }
}
