package dev.strand.engine.api;

/** What was asked only the cluster's leader does, and this member is not it (409 {@code NOT_LEADER}). */
public final class NotLeaderException extends RuntimeException
{
    private final int leaderMemberId;

    public NotLeaderException(final int leaderMemberId, final String message)
    {
        super(message);
        this.leaderMemberId = leaderMemberId;
    }

    /** The leader this member knows of, or -1. */
    public int leaderMemberId()
    {
        return leaderMemberId;
    }
}
