package dev.strand.engine.core;

import dev.strand.engine.api.BatchCallback;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandCallback;

import java.util.List;
import java.util.function.Consumer;

/**
 * A preallocated ring slot: one command, one batch, or a task that must run on the logic thread. The publisher fills
 * the input fields; the driver sets the outcomes, answers and clears.
 */
final class CommandSlot
{
    static final int SINGLE = 1;
    static final int BATCH = 2;
    static final int CONTROL = 3;

    int kind;
    long ingressNanos;

    Command command;
    CommandCallback callback;

    List<Command> batch;
    boolean atomic;
    BatchCallback batchCallback;

    Consumer<EngineState> control;

    /** The single command's outcome. */
    Outcome outcome;
    /** A batch's outcomes, one per command. */
    Outcome[] outcomes;
    /** For an atomic batch that was rolled back, the failing command's index, else -1. */
    int failedIndex = -1;

    void clear()
    {
        kind = 0;
        command = null;
        callback = null;
        batch = null;
        batchCallback = null;
        control = null;
        outcome = null;
        outcomes = null;
        failedIndex = -1;
    }
}
