package dev.strand.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.spi.FieldWriter;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Streams events and accepted results straight to JSON with Jackson's generator: no intermediate maps, the event's
 * {@code data} written field by field through a {@link FieldWriter}. The same shapes as {@link JsonCodec}, which
 * builds them as {@code JsonObject}s where a body is small or assembled from parts.
 */
final class EventJsonWriter
{
    private static final JsonFactory FACTORY = new JsonFactory();

    private EventJsonWriter()
    {
    }

    /** {@code {"commandId","status":"accepted","position","events":[...]}}. */
    static Buffer accepted(final CommandResult result)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 384 * result.events().size());
        try (JsonGenerator g = FACTORY.createGenerator(out))
        {
            writeAccepted(g, result, false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return Buffer.buffer(out.toByteArray());
    }

    /** One event object in UTF-8: a WebSocket text frame's payload ({@link EventFrames} adds the frame header). */
    static byte[] eventBytes(final RecordedEvent event)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(384);
        try (JsonGenerator g = FACTORY.createGenerator(out))
        {
            writeEvent(g, event);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** {@code {"events":[...], "<nextName>": next}}. */
    static Buffer page(final List<RecordedEvent> events, final String nextName, final long next)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 384 * events.size());
        try (JsonGenerator g = FACTORY.createGenerator(out))
        {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (final RecordedEvent e : events)
            {
                writeEvent(g, e);
            }
            g.writeEndArray();
            g.writeNumberField(nextName, next);
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return Buffer.buffer(out.toByteArray());
    }

    static void writeAccepted(final JsonGenerator g, final CommandResult result, final boolean markReplayed) throws IOException
    {
        g.writeStartObject();
        g.writeStringField("commandId", result.commandId());
        g.writeStringField("status", "accepted");
        g.writeNumberField("position", result.position());
        g.writeArrayFieldStart("events");
        for (final RecordedEvent e : result.events())
        {
            writeEvent(g, e);
        }
        g.writeEndArray();
        if (markReplayed && result.replayed())
        {
            g.writeBooleanField("replayed", true);
        }
        g.writeEndObject();
    }

    static void writeEvent(final JsonGenerator g, final RecordedEvent e) throws IOException
    {
        g.writeStartObject();
        g.writeNumberField("position", e.position());
        g.writeStringField("aggregateId", e.aggregateId());
        g.writeStringField("aggregateType", e.aggregateType());
        g.writeNumberField("version", e.version());
        g.writeStringField("type", e.eventType());
        g.writeNumberField("schemaVersion", e.schemaVersion());
        g.writeStringField("timestamp", JsonCodec.timestamp(e.timestampMicros()));
        g.writeStringField("commandId", e.commandId());
        g.writeStringField("correlationId", e.correlationId());
        g.writeStringField("causationId", e.causationId());
        if (e.traceparent() != null)
        {
            g.writeStringField("traceparent", e.traceparent());
        }
        g.writeObjectFieldStart("data");
        e.writeData(new GeneratorFieldWriter(g));
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * Writes a codec's fields as JSON members, in the JSON forms {@code MapFieldReader} reads: decimals as plain decimal
     * strings, instants as ISO-8601 strings in UTC, an absent optional value as null. A null name (a list element) is
     * written as a bare value.
     */
    private record GeneratorFieldWriter(JsonGenerator g) implements FieldWriter
    {
        private void name(final String name) throws IOException
        {
            if (name != null)
            {
                g.writeFieldName(name);
            }
        }

        @Override
        public FieldWriter writeLong(final String name, final long value)
        {
            try
            {
                name(name);
                g.writeNumber(value);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter writeString(final String name, final String value)
        {
            try
            {
                name(name);
                g.writeString(value);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter writeBoolean(final String name, final boolean value)
        {
            try
            {
                name(name);
                g.writeBoolean(value);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter writeInt(final String name, final int value)
        {
            try
            {
                name(name);
                g.writeNumber(value);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter writeDecimal(final String name, final BigDecimal value)
        {
            return writeString(name, value.toPlainString());
        }

        @Override
        public FieldWriter writeInstant(final String name, final Instant value)
        {
            return writeString(name, value.toString());
        }

        @Override
        public FieldWriter writePresence(final String name, final boolean present)
        {
            if (!present)
            {
                try
                {
                    name(name);
                    g.writeNull();
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }
            return this;
        }

        @Override
        public FieldWriter beginObject(final String name)
        {
            try
            {
                name(name);
                g.writeStartObject();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter endObject()
        {
            try
            {
                g.writeEndObject();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter beginList(final String name, final int size)
        {
            try
            {
                name(name);
                g.writeStartArray();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter endList()
        {
            try
            {
                g.writeEndArray();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        @Override
        public FieldWriter beginMap(final String name, final int size)
        {
            return beginObject(name);
        }

        @Override
        public FieldWriter writeKey(final String key)
        {
            return this;
        }

        @Override
        public FieldWriter endMap()
        {
            return endObject();
        }
    }
}
