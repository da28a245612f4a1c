package dev.strand.engine.api;

/** The machine-readable codes the engine itself produces; modules add their own business codes. */
public final class ResultCodes
{
    public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
    public static final String UNKNOWN_COMMAND_TYPE = "UNKNOWN_COMMAND_TYPE";
    public static final String INVALID_FIELD = "INVALID_FIELD";
    public static final String AGGREGATE_NOT_FOUND = "AGGREGATE_NOT_FOUND";
    public static final String AGGREGATE_EXISTS = "AGGREGATE_EXISTS";
    public static final String WRONG_EXPECTED_VERSION = "WRONG_EXPECTED_VERSION";
    public static final String AGGREGATE_TYPE_MISMATCH = "AGGREGATE_TYPE_MISMATCH";
    public static final String OVERLOADED = "OVERLOADED";
    public static final String HALTED = "HALTED";
    public static final String ABORTED = "ABORTED";
    public static final String COMMAND_HANDLER_FAILED = "COMMAND_HANDLER_FAILED";
    /** A command id that was accepted for one command arrived with a different command (422). */
    public static final String IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";
    /** The state would outgrow the heap's headroom floor: commands that add to it are refused for now (503). */
    public static final String CAPACITY_EXHAUSTED = "CAPACITY_EXHAUSTED";

    private ResultCodes()
    {
    }
}
