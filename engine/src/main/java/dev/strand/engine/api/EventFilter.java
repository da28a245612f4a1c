package dev.strand.engine.api;

/**
 * Which events a reader wants; {@code null} fields match everything, set fields combine with AND.
 */
public record EventFilter(String aggregateId, String aggregateType, String eventType)
{
    public static final EventFilter ALL = new EventFilter(null, null, null);

    public boolean matches(final RecordedEvent event)
    {
        return matches(event.aggregateId(), event.aggregateType(), event.eventType());
    }

    /** Matches on the raw journal fields, before decoding the payload. */
    public boolean matches(final String aggregateId, final String aggregateType, final String eventType)
    {
        return (this.aggregateId == null || this.aggregateId.equals(aggregateId)) &&
            (this.aggregateType == null || this.aggregateType.equals(aggregateType)) &&
            (this.eventType == null || this.eventType.equals(eventType));
    }
}
