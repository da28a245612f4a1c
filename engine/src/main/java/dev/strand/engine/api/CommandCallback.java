package dev.strand.engine.api;

/**
 * Receives a command's outcome: on the engine's completion thread after the journal holds the events, or on the
 * submitting thread for an immediate OVERLOADED / HALTED. Must not block.
 */
@FunctionalInterface
public interface CommandCallback
{
    void onComplete(CommandResult result);
}
