package dev.strand.engine.core;

import dev.strand.engine.api.BatchCallback;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;

import java.util.List;
import java.util.function.Consumer;

/**
 * A preallocated ring slot: one command, one batch, or a control task that must run on the logic thread. The
 * publisher fills the input fields, the logic stage the outputs, the completion stage reads both and clears.
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

    CommandResult result;
    CommandResult[] results;
    int failedIndex;

    void clear()
    {
        kind = 0;
        command = null;
        callback = null;
        batch = null;
        batchCallback = null;
        control = null;
        result = null;
        results = null;
        failedIndex = -1;
    }
}
