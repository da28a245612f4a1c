package dev.strand.engine.api;

/**
 * A snapshot on disk.
 *
 * @param position       the journal position the snapshot includes.
 * @param sizeBytes      file size.
 * @param durationMicros how long writing it took (0 when unknown, e.g. listed after a restart).
 */
public record SnapshotSummary(String file, long position, long sizeBytes, long createdAtEpochMillis, long durationMicros)
{
}
