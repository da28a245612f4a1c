package dev.strand.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a walk of the journal found ({@link JournalVerifier}).
 *
 * @param directory                the journal directory.
 * @param fullWalk                 true when every record was walked, false when only the tail was.
 * @param commits                  valid commit records walked.
 * @param events                   events in them.
 * @param firstPosition            first position walked (0 if none).
 * @param lastPosition             position of the last valid event (0 if none).
 * @param recordBytes              bytes of the valid records walked (record format bytes, no Chronicle headers).
 * @param cycleFiles               the Chronicle cycle files in the directory, oldest first.
 * @param previouslyDroppedIndexes Chronicle indexes listed in the dropped-excerpt side file (skipped).
 * @param tornTail                 bad records with no valid record after them: a torn tail, dropped on open.
 * @param unterminatedCycles       cycle files that lack their end-of-cycle marker but are otherwise whole, as a
 *                                 crash or power loss right after a roll leaves them; open completes the marker.
 * @param corruption               the first bad record that has a valid record after it (or breaks position
 *                                 continuity), or null: mid-log corruption, open refuses to start.
 * @param lastValidIndex           Chronicle index of the last valid record (-1 if none).
 * @param durationNanos            how long the walk took.
 * @param chainStart               first position of the first commit walked that carries a chain hash (0 if none).
 * @param headHash                 chain hash of the last valid commit walked, 64 hex digits (null when no commit
 *                                 walked carries one).
 * @param lookup                   the chain hash found at the position asked for, or null when none was asked.
 */
public record VerifyReport(
    Path directory,
    boolean fullWalk,
    long commits,
    long events,
    long firstPosition,
    long lastPosition,
    long recordBytes,
    List<Path> cycleFiles,
    List<Long> previouslyDroppedIndexes,
    List<BadRecord> tornTail,
    List<Path> unterminatedCycles,
    BadRecord corruption,
    long lastValidIndex,
    long durationNanos,
    long chainStart,
    String headHash,
    ChainLink lookup)
{

    /**
     * A record that failed its checks.
     *
     * @param chronicleIndex   its Chronicle index (cycle and sequence number).
     * @param file             the cycle file holding it.
     * @param expectedPosition the position it should have started at.
     * @param claimedPosition  the first position its header claims, or -1 when unreadable.
     * @param reason           what is wrong with it.
     */
    public record BadRecord(long chronicleIndex, Path file, long expectedPosition, long claimedPosition, String reason)
    {
        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "index 0x" + Long.toHexString(chronicleIndex) + " in " + file + " at position " + expectedPosition +
                (claimedPosition >= 0 ? " (header claims " + claimedPosition + ")" : "") + ": " + reason;
        }
    }

    /**
     * @return true when mid-log corruption was found.
     */
    public boolean isCorrupt()
    {
        return corruption != null;
    }

    /**
     * @return a multi-line human-readable summary.
     */
    public String summary()
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append("journal          ").append(directory).append('\n');
        sb.append("walk             ").append(fullWalk ? "full" : "tail only").append('\n');
        sb.append("status           ").append(isCorrupt() ? "CORRUPT" : tornTail.isEmpty() ? "OK" : "OK (torn tail)")
            .append('\n');
        sb.append("commits          ").append(commits).append('\n');
        sb.append("events           ").append(events).append('\n');
        sb.append("first position   ").append(firstPosition).append('\n');
        sb.append("last position    ").append(lastPosition).append('\n');
        sb.append("record bytes     ").append(recordBytes).append('\n');
        if (chainStart > 0)
        {
            sb.append("hash chain       from position ").append(chainStart).append(", head ").append(lastPosition)
                .append(':').append(headHash).append('\n');
        }
        else
        {
            sb.append("hash chain       none yet (no commit walked carries a chain hash; the first one appended " +
                "starts it)\n");
        }
        sb.append("cycle files      ").append(cycleFiles.size()).append('\n');
        for (final Path file : cycleFiles)
        {
            sb.append("                 ").append(file.getFileName()).append('\n');
        }
        sb.append("dropped indexes  ").append(previouslyDroppedIndexes.size());
        for (final long index : previouslyDroppedIndexes)
        {
            sb.append(" 0x").append(Long.toHexString(index));
        }
        sb.append('\n');
        if (!tornTail.isEmpty() && corruption != null)
        {
            // bad records with a valid one after them are damage in the middle, not a torn tail: nothing is dropped
            sb.append("bad records      ").append(tornTail.size())
                .append(" record(s) with a valid record after them: damage inside the journal, not a torn tail; ")
                .append("the next open refuses the journal and drops nothing (docs/operations.md, when verify fails)\n");
            for (final BadRecord bad : tornTail)
            {
                sb.append("                 ").append(bad).append('\n');
            }
        }
        else if (!tornTail.isEmpty())
        {
            sb.append("torn tail        ").append(tornTail.size())
                .append(" record(s), never acknowledged; the next open drops them\n");
            for (final BadRecord bad : tornTail)
            {
                sb.append("                 ").append(bad).append('\n');
            }
        }
        for (final Path file : unterminatedCycles)
        {
            sb.append("unterminated     ").append(file.getFileName())
                .append(": no end-of-cycle marker, but its records end cleanly and the next cycle continues them " +
                    "(a crash or power loss right after a roll); the next open completes the marker\n");
        }
        if (corruption != null)
        {
            sb.append("corruption       file ").append(corruption.file()).append(" position ")
                .append(corruption.expectedPosition()).append('\n');
            sb.append("                 ").append(corruption).append('\n');
        }
        sb.append("took             ").append(TimeUnit.NANOSECONDS.toMillis(durationNanos)).append(" ms\n");
        return sb.toString();
    }
}
