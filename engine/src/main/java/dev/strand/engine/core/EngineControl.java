package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.Rejection;

/** What the logic stage may ask of the engine around it: halting and counting failures. */
interface EngineControl
{
    /** Halts the engine for good (journal failure, broken invariant). */
    void halt(String reason, Throwable cause);

    /** Halts writes until free space is back above the floor. */
    void haltForSpace(String reason);

    /** @return null when commands may run, else the rejection to answer (HALTED). Lifts a space halt when possible. */
    Rejection checkAvailable();

    /** The rejection that halted commands get. */
    Rejection haltedRejection();

    /** A module's handler threw: logged and counted; the command is rejected. */
    void handlerFailed(Command command, Throwable cause);
}
