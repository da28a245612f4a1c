package dev.strand.engine.spi;

/**
 * What a projection's fold knows about an event besides its record: all of it read from the journal, so a fold that
 * reads only its arguments is deterministic.
 *
 * @param aggregateType   the aggregate type the event belongs to.
 * @param aggregateId     the aggregate it was recorded for.
 * @param version         the aggregate's version after it.
 * @param position        its journal position.
 * @param eventType       its event type name.
 * @param timestampMicros when its command was stamped at ingress (epoch microseconds, journaled with it).
 * @param previousKey     the key this projection folded the same aggregate's previous event into, or null when it
 *                        folded none: how an aggregate's later events find the row its first event chose (an
 *                        account's deposits the row of the currency it was opened in).
 */
public record EventMeta(String aggregateType, String aggregateId, long version, long position, String eventType,
    long timestampMicros, String previousKey)
{
}
