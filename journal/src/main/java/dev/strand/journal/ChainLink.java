package dev.strand.journal;

/**
 * The chain hash of the commit that ends at a position, or why there is none.
 *
 * @param position the position asked for.
 * @param hash     its chain hash, 64 hex digits, or null when there is none.
 * @param problem  why there is none (beyond the end, inside a commit, before the chain started), or null.
 */
public record ChainLink(long position, String hash, String problem)
{
    /**
     * @return true when the commit ending at the position carries a chain hash.
     */
    public boolean found()
    {
        return hash != null;
    }
}
