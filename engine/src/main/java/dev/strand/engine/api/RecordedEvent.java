package dev.strand.engine.api;

import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldWriter;

/**
 * An event as journaled: its metadata and its decoded data (upcast to the current schema version), and the W3C
 * traceparent of the command that caused it (version 00; null when it came without one). Immutable.
 */
public record RecordedEvent(
    long position,
    String aggregateType,
    String aggregateId,
    long version,
    EventType<?, ?> type,
    long timestampMicros,
    String commandId,
    String correlationId,
    String causationId,
    Object data,
    String traceparent)
{
    /** An event without a trace context. */
    public RecordedEvent(final long position, final String aggregateType, final String aggregateId, final long version,
        final EventType<?, ?> type, final long timestampMicros, final String commandId, final String correlationId,
        final String causationId, final Object data)
    {
        this(position, aggregateType, aggregateId, version, type, timestampMicros, commandId, correlationId,
            causationId, data, null);
    }

    /** The trace-id (32 hex digits) of {@link #traceparent()}, or null. */
    public String traceId()
    {
        return TraceParent.traceId(traceparent);
    }

    /** The event type's name, e.g. {@code "Deposited"}. */
    public String eventType()
    {
        return type.name();
    }

    /** The schema version {@link #data()} is in (the current one: older records are upcast on read). */
    public int schemaVersion()
    {
        return type.schemaVersion();
    }

    /** Writes the event's data fields. */
    public void writeData(final FieldWriter out)
    {
        type.encodeObject(data, out);
    }
}
