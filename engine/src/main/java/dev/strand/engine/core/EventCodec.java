package dev.strand.engine.core;

import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.spi.EventDecoder;
import dev.strand.engine.spi.EventType;
import dev.strand.journal.EventRecord;

/**
 * Decodes journal records into typed events, upcasting older schema versions. One instance per thread.
 */
final class EventCodec
{
    private final ModuleRegistry registry;
    private final BinaryFieldReader reader = new BinaryFieldReader();
    /**
     * The last type resolved and the names it was resolved by: the journal reader hands out the same string instances
     * for repeated names, so a run of one event type skips the registry's two lookups by name.
     */
    private String lastAggregateType;
    private String lastEventType;
    private EventType<?, ?> lastType;

    EventCodec(final ModuleRegistry registry)
    {
        this.registry = registry;
    }

    EventType<?, ?> typeOf(final EventRecord record)
    {
        final String aggregateType = record.aggregateType();
        final String eventType = record.eventType();
        if (aggregateType == lastAggregateType && eventType == lastEventType && lastType != null)
        {
            return lastType;
        }
        final EventType<?, ?> type = registry.eventType(aggregateType, eventType);
        if (type == null)
        {
            throw new IllegalStateException("event type " + record.eventType() + " of aggregate type " +
                record.aggregateType() + " at position " + record.position() + " is not registered by any module");
        }
        lastAggregateType = aggregateType;
        lastEventType = eventType;
        lastType = type;
        return type;
    }

    Object decode(final EventType<?, ?> type, final EventRecord record)
    {
        final EventDecoder<?> decoder = type.decoderFor(record.schemaVersion());
        if (decoder == null)
        {
            throw new IllegalStateException("event " + type.name() + " schema version " + record.schemaVersion() +
                " at position " + record.position() + " has no decoder (current version " + type.schemaVersion() + ")");
        }
        reader.wrap(record.payload(), record.payloadOffset(), record.payloadLength());
        final Object event;
        try
        {
            event = decoder.decode(reader);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("event " + type.name() + " schema version " + record.schemaVersion() +
                " at position " + record.position() + " cannot be decoded: " + ex.getMessage(), ex);
        }
        if (!reader.exhausted())
        {
            throw new IllegalStateException("event " + type.name() + " at position " + record.position() +
                " has bytes its schema version " + record.schemaVersion() + " decoder did not read");
        }
        return event;
    }

    RecordedEvent toRecorded(final EventRecord record)
    {
        final EventType<?, ?> type = typeOf(record);
        return new RecordedEvent(
            record.position(),
            record.aggregateType(),
            record.aggregateId(),
            record.version(),
            type,
            record.timestampMicros(),
            record.commandId(),
            record.correlationId(),
            record.causationId(),
            decode(type, record),
            record.traceparent());
    }
}
