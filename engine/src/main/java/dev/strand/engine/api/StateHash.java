package dev.strand.engine.api;

/**
 * The hash of the whole engine state (aggregates and idempotency window) and the journal position it was taken at:
 * equal positions give equal hashes on every replica, every member of a cluster and across restarts.
 */
public record StateHash(long position, long hash)
{
    /** The hash as 16 lower-case hex digits. */
    public String hex()
    {
        return String.format("%016x", hash);
    }
}
