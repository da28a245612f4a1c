package dev.strand.engine.api;

/** The machine-readable codes the engine itself produces; modules add their own business codes. */
public final class ResultCodes
{
    public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
    public static final String UNKNOWN_COMMAND_TYPE = "UNKNOWN_COMMAND_TYPE";
    /** The envelope's {@code aggregateType} is not registered (400). */
    public static final String UNKNOWN_AGGREGATE_TYPE = "UNKNOWN_AGGREGATE_TYPE";
    /** Several aggregate types have a command type of that name and the envelope did not say which (400). */
    public static final String AMBIGUOUS_COMMAND_TYPE = "AMBIGUOUS_COMMAND_TYPE";
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

    /** Cluster: no leader at the moment (an election is going on); retry after Retry-After (503). */
    public static final String NO_LEADER = "NO_LEADER";
    /** Cluster: this node cannot reach a majority of the members (503); its reads go on. */
    public static final String NO_QUORUM = "NO_QUORUM";
    /**
     * Cluster: the command reached the cluster but no answer came in time (a leader change at that moment): it may
     * or may not have been executed; a retry with the same commandId is safe and answers the original result (503).
     */
    public static final String OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN";
    /** Cluster: what was asked (a snapshot) only the leader does; the detail names the leader (409). */
    public static final String NOT_LEADER = "NOT_LEADER";

    private ResultCodes()
    {
    }
}
