package dev.strand.engine.api;

/**
 * This node's place in its cluster ({@code GET /admin/cluster}). A node running alone is a cluster of one whose
 * leader it is.
 *
 * @param memberId          this member's id (0 alone).
 * @param role              {@code leader}, {@code follower} or {@code candidate}.
 * @param leaderMemberId    the leader this member knows of, or -1 during an election.
 * @param clusterSize       members configured (1 alone).
 * @param journalPosition   the last position in this node's journal.
 * @param commitPosition    the replicated log's commit position in bytes as this member knows it, or -1 alone.
 * @param appliedLogPosition the log position in bytes this member's service has applied (and journaled), or -1 alone.
 * @param elections         elections this member's consensus module has run since it started, or -1 alone.
 */
public record ClusterView(
    int memberId,
    String role,
    int leaderMemberId,
    int clusterSize,
    long journalPosition,
    long commitPosition,
    long appliedLogPosition,
    long elections)
{
    /** A node alone. */
    public static ClusterView alone(final long journalPosition)
    {
        return new ClusterView(0, "leader", 0, 1, journalPosition, -1, -1, -1);
    }

    /** True when part of a cluster of more than one configured member. */
    public boolean clustered()
    {
        return commitPosition >= 0;
    }

    /** How far, in log bytes, this member's journal trails the commit position it knows (0 alone). */
    public long journalLagBytes()
    {
        return clustered() ? Math.max(0, commitPosition - appliedLogPosition) : 0;
    }
}
