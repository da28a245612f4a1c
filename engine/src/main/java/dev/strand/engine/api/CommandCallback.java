package dev.strand.engine.api;

/**
 * Receives a command's outcome. Threads: on {@code engine-logic} (the single writer, which also answers; there is no
 * separate completion thread) once the journal holds the events (in {@code sync} durability, after the group
 * commit's flush); or on the submitting thread itself for an answer given at ingress (OVERLOADED, HALTED,
 * CAPACITY_EXHAUSTED, stopping). Must not block and should be quick: it holds up every later command. The gateway's
 * callback only hands the result to the request's event loop.
 */
@FunctionalInterface
public interface CommandCallback
{
    void onComplete(CommandResult result);
}
