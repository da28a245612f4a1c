package dev.strand.journal;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Writes a snapshot's domain body; the {@link SnapshotStore} frames and checksums it.
 */
@FunctionalInterface
public interface SnapshotBodyWriter
{
    /**
     * @param out the body stream (do not close it; closing only flushes).
     * @throws IOException to abandon the snapshot (the temp file is deleted).
     */
    void write(DataOutputStream out) throws IOException;
}
