package dev.strand.journal;

import java.util.List;

/**
 * The newest snapshot that loaded.
 *
 * @param info    the file it came from.
 * @param value   what the body reader returned.
 * @param skipped human-readable reasons for the newer files that were rejected, newest first.
 * @param <T>     the loaded value.
 */
public record LoadedSnapshot<T>(SnapshotInfo info, T value, List<String> skipped)
{
}
