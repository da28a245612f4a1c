package dev.strand.journal;

import java.nio.file.Path;

/**
 * A snapshot file as found on disk or just written.
 *
 * @param file                 the file.
 * @param position             the journal position it was taken at.
 * @param sizeBytes            file size.
 * @param createdAtEpochMillis when it was written.
 * @param formatVersion        container format version, -1 when the header is unreadable.
 * @param durationNanos        how long writing it took (temp file to directory fsync), -1 when not known
 *                             (files found on disk).
 * @param chainHash            the journal's chain hash at {@code position} as the snapshot recorded it (64 hex
 *                             digits), or null: container format 1, or a position before the hash chain started.
 */
public record SnapshotInfo(
    Path file,
    long position,
    long sizeBytes,
    long createdAtEpochMillis,
    int formatVersion,
    long durationNanos,
    String chainHash)
{
}
