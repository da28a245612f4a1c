package dev.strand.journal;

import java.util.List;

/**
 * What {@link Journal#open(JournalConfig)} found and did.
 *
 * @param fullVerify               true when the whole journal was walked, false when only the tail was.
 * @param commitsScanned           valid commits walked.
 * @param eventsScanned            events in them.
 * @param lastPosition             position of the last committed event after recovery (0 if empty).
 * @param tornTailDropped          torn-tail records dropped by this open.
 * @param droppedPositions         for each record dropped by this open, the position it would have started at.
 * @param dropped                  the records dropped by this open, with file, index and reason.
 * @param previouslyDroppedIndexes Chronicle indexes already in the side file before this open.
 * @param rollCycle                the roll cycle in effect (an existing queue's stored cycle wins).
 * @param durationNanos            how long recovery took.
 */
public record RecoveryReport(
    boolean fullVerify,
    long commitsScanned,
    long eventsScanned,
    long lastPosition,
    int tornTailDropped,
    List<Long> droppedPositions,
    List<VerifyReport.BadRecord> dropped,
    List<Long> previouslyDroppedIndexes,
    String rollCycle,
    long durationNanos)
{
}
