package dev.strand.engine.api;

/** The family of a rejection; the gateway maps each kind to one HTTP status, in one place. */
public enum RejectionKind
{
    /** The request is not a well-formed command (400). */
    MALFORMED,
    /** A value breaks its rule, or the command type is unknown (400). */
    INVALID,
    /** The aggregate the command needs does not exist (404). */
    NOT_FOUND,
    /** Optimistic concurrency or existence conflict (409). */
    CONFLICT,
    /** A business rule rejected the command (422). */
    BUSINESS,
    /** The engine cannot take the command now: ring full or halted (503). */
    UNAVAILABLE,
    /** The command's handler failed: a bug in a module, logged and counted (500). */
    INTERNAL
}
