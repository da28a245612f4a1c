package dev.strand.journal;

/**
 * What one retention run did.
 *
 * @param ranAtEpochMillis when it ran.
 * @param ok               false when it stopped on a failure ({@code detail} says which); cycle files moved before the
 *                         failure stay moved, nothing is lost either way.
 * @param detail           one line: what was moved, or why nothing was, or the failure.
 * @param cyclesMoved      cycle files archived or deleted.
 * @param eventsMoved      events in them.
 * @param bytesMoved       bytes of their records.
 * @param firstPosition    the first position the journal serves after the run.
 * @param durationMillis   how long it took.
 */
public record RetentionReport(
    long ranAtEpochMillis,
    boolean ok,
    String detail,
    int cyclesMoved,
    long eventsMoved,
    long bytesMoved,
    long firstPosition,
    long durationMillis)
{
}
