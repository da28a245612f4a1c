package dev.strand.journal;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * Reads a snapshot's domain body. Called only after the container's checks and checksum passed.
 *
 * @param <T> the loaded value.
 */
@FunctionalInterface
public interface SnapshotBodyReader<T>
{
    /**
     * @param position the journal position the snapshot was taken at.
     * @param in       the body, exactly its bytes (end of stream at the end of the body).
     * @return the value.
     * @throws IOException (or any runtime exception) to reject this snapshot and fall back to an older one.
     */
    T read(long position, DataInputStream in) throws IOException;
}
