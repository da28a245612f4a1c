package dev.strand.cluster;

/**
 * A command could not get an answer from the cluster; {@link #reason()} says why, so the gateway can answer 503
 * {@code NO_LEADER} or {@code NO_QUORUM}, or tell the caller the outcome is unknown ({@link Reason#TIMEOUT}: retry with
 * the same command id, which is safe).
 */
public final class ClusterUnavailableException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason
    {
        /** Not sent: no leader is known (an election is going on, or the client is connecting). */
        NO_LEADER,
        /** Not sent: no leader for longer than an election takes; this node cannot reach a majority of members. */
        NO_QUORUM,
        /** Sent, but no answer in time: the command may or may not have been committed. */
        TIMEOUT,
        /** The client is closing. */
        CLOSED
    }

    private final Reason reason;

    public ClusterUnavailableException(final Reason reason, final String message)
    {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason()
    {
        return reason;
    }
}
