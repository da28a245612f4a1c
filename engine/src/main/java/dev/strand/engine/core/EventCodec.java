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

    EventCodec(final ModuleRegistry registry)
    {
        this.registry = registry;
    }

    EventType<?, ?> typeOf(final EventRecord record)
    {
        final EventType<?, ?> type = registry.eventType(record.aggregateType(), record.eventType());
        if (type == null)
        {
            throw new IllegalStateException("event type " + record.eventType() + " of aggregate type " +
                record.aggregateType() + " at position " + record.position() + " is not registered by any module");
        }
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
