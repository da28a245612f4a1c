package dev.strand.engine.api;

import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldWriter;

/**
 * An event as journaled: its metadata and its decoded data (upcast to the current schema version). Immutable.
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
    Object data)
{
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
