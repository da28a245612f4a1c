package dev.strand.cluster;

/**
 * A data directory a cluster member cannot start from: its journal holds events that no cluster log beside it
 * accounts for (a single node's directory, or one restored from a backup).
 */
public final class ClusterDataDirectoryException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    public ClusterDataDirectoryException(final String message)
    {
        super(message);
    }
}
