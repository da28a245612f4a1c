package dev.strand.cluster;

import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.core.BinaryFieldReader;
import dev.strand.engine.core.BinaryFieldWriter;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.spi.EventDecoder;
import dev.strand.engine.spi.EventType;
import dev.strand.journal.EventRecord;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

import static dev.strand.cluster.WireBuffers.ORDER;
import static dev.strand.cluster.WireBuffers.need;

/**
 * The leader's answer to one command message, sent through egress to the session that offered it.
 *
 * <pre>
 * reply:    version u8 (2) | kind u8 (the message's) | reserved u16 | count i32 | correlationId i64 |
 *           failedIndex i32 (atomic batch: the command that failed it, else -1) | result * count
 * result:   status u8 (1 accepted, 2 rejected, 3 replayed) | commandId str | then
 *           accepted, replayed: position i64 | eventCount i32 | event * eventCount
 *           rejected: kind str | code str | detail str | field str | currentVersion i64
 * event:    position i64 | version i64 | timestampMicros i64 | schemaVersion i32 | aggregateType str |
 *           aggregateId str | eventType str | commandId str | correlationId str | causationId str |
 *           traceparent str (version 2) | payloadLength i32 | payload (the event codec's bytes, as journaled)
 * </pre>
 *
 * Version 1 (before trace contexts) is still read: its events have no traceparent.
 */
final class ReplyMessages
{
    static final byte VERSION = 2;
    static final byte VERSION_1 = 1;
    static final byte ACCEPTED = 1;
    static final byte REJECTED = 2;
    static final byte REPLAYED = 3;

    static final int CORRELATION_OFFSET = 8;
    static final int FAILED_INDEX_OFFSET = 16;
    static final int HEADER_LENGTH = 20;

    private ReplyMessages()
    {
    }

    /** Builds replies on the leader (the service's thread; reused). */
    static final class Encoder
    {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        private final BinaryFieldWriter payload = new BinaryFieldWriter();
        private int offset;
        private int count;

        Encoder begin(final byte kind, final long correlationId)
        {
            buffer.putByte(0, VERSION);
            buffer.putByte(1, kind);
            buffer.putShort(2, (short)0, ORDER);
            buffer.putLong(CORRELATION_OFFSET, correlationId, ORDER);
            buffer.putInt(FAILED_INDEX_OFFSET, -1, ORDER);
            offset = HEADER_LENGTH;
            count = 0;
            return this;
        }

        void failedIndex(final int index)
        {
            buffer.putInt(FAILED_INDEX_OFFSET, index, ORDER);
        }

        void accepted(final String commandId, final long position, final List<RecordedEvent> events)
        {
            result(ACCEPTED, commandId);
            buffer.putLong(offset, position, ORDER);
            buffer.putInt(offset + Long.BYTES, events.size(), ORDER);
            offset += Long.BYTES + Integer.BYTES;
            for (int i = 0; i < events.size(); i++)
            {
                final RecordedEvent e = events.get(i);
                payload.reset();
                e.writeData(payload);
                event(e.position(), e.version(), e.timestampMicros(), e.schemaVersion(), e.aggregateType(),
                    e.aggregateId(), e.eventType(), e.commandId(), e.correlationId(), e.causationId(),
                    e.traceparent(), payload.buffer(), 0, payload.length());
            }
        }

        /** Starts a replayed result; its events follow with {@link #replayedEvent}, then {@link #endReplayed}. */
        int beginReplayed(final String commandId)
        {
            result(REPLAYED, commandId);
            final int at = offset;
            offset += Long.BYTES + Integer.BYTES;
            return at;
        }

        void replayedEvent(final EventRecord r)
        {
            event(r.position(), r.version(), r.timestampMicros(), r.schemaVersion(), r.aggregateType(),
                r.aggregateId(), r.eventType(), r.commandId(), r.correlationId(), r.causationId(), r.traceparent(),
                r.payload(), r.payloadOffset(), r.payloadLength());
        }

        void endReplayed(final int at, final long position, final int eventCount)
        {
            buffer.putLong(at, position, ORDER);
            buffer.putInt(at + Long.BYTES, eventCount, ORDER);
        }

        void rejected(final String commandId, final Rejection rejection)
        {
            result(REJECTED, commandId);
            offset = WireBuffers.putString(buffer, offset, rejection.kind().name());
            offset = WireBuffers.putString(buffer, offset, rejection.code());
            offset = WireBuffers.putString(buffer, offset, rejection.detail());
            offset = WireBuffers.putString(buffer, offset, rejection.field());
            buffer.putLong(offset, rejection.currentVersion(), ORDER);
            offset += Long.BYTES;
        }

        MutableDirectBuffer buffer()
        {
            buffer.putInt(4, count, ORDER);
            return buffer;
        }

        int length()
        {
            return offset;
        }

        private void result(final byte status, final String commandId)
        {
            count++;
            buffer.putByte(offset, status);
            offset = WireBuffers.putString(buffer, offset + 1, commandId);
        }

        private void event(final long position, final long version, final long timestampMicros, final int schemaVersion,
            final String aggregateType, final String aggregateId, final String eventType, final String commandId,
            final String correlationId, final String causationId, final String traceparent, final DirectBuffer bytes,
            final int bytesOffset, final int bytesLength)
        {
            buffer.putLong(offset, position, ORDER);
            buffer.putLong(offset + 8, version, ORDER);
            buffer.putLong(offset + 16, timestampMicros, ORDER);
            buffer.putInt(offset + 24, schemaVersion, ORDER);
            offset += 28;
            offset = WireBuffers.putString(buffer, offset, aggregateType);
            offset = WireBuffers.putString(buffer, offset, aggregateId);
            offset = WireBuffers.putString(buffer, offset, eventType);
            offset = WireBuffers.putString(buffer, offset, commandId);
            offset = WireBuffers.putString(buffer, offset, correlationId);
            offset = WireBuffers.putString(buffer, offset, causationId);
            offset = WireBuffers.putString(buffer, offset, traceparent);
            buffer.putInt(offset, bytesLength, ORDER);
            buffer.putBytes(offset + Integer.BYTES, bytes, bytesOffset, bytesLength);
            offset += Integer.BYTES + bytesLength;
        }
    }

    /** @return the correlation id of a reply. */
    static long correlationId(final DirectBuffer buffer, final int offset, final int length)
    {
        need(offset, HEADER_LENGTH, offset + length);
        if (buffer.getByte(offset) != VERSION && buffer.getByte(offset) != VERSION_1)
        {
            throw new WireBuffers.MalformedMessageException("unknown reply version " + buffer.getByte(offset));
        }
        return buffer.getLong(offset + CORRELATION_OFFSET, ORDER);
    }

    /**
     * Decodes a reply on the client into the engine's own result types (events decoded by their modules).
     *
     * @param single true for a single command's reply, which then holds exactly one result.
     */
    static Object decode(final ModuleRegistry registry, final DirectBuffer buffer, final int offset, final int length)
    {
        final int limit = offset + length;
        need(offset, HEADER_LENGTH, limit);
        final byte replyVersion = buffer.getByte(offset);
        if (replyVersion != VERSION && replyVersion != VERSION_1)
        {
            throw new WireBuffers.MalformedMessageException("unknown reply version " + replyVersion);
        }
        final byte kind = buffer.getByte(offset + 1);
        final int count = buffer.getInt(offset + 4, ORDER);
        final int failedIndex = buffer.getInt(offset + FAILED_INDEX_OFFSET, ORDER);
        final BinaryFieldReader reader = new BinaryFieldReader();
        final List<CommandResult> results = new ArrayList<>(count);
        int at = offset + HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            need(at, 1, limit);
            final byte status = buffer.getByte(at);
            final String commandId = WireBuffers.getString(buffer, at + 1, limit);
            at += 1 + WireBuffers.stringSize(buffer, at + 1, limit);
            if (status == REJECTED)
            {
                final String rejectionKind = WireBuffers.getString(buffer, at, limit);
                at += WireBuffers.stringSize(buffer, at, limit);
                final String code = WireBuffers.getString(buffer, at, limit);
                at += WireBuffers.stringSize(buffer, at, limit);
                final String detail = WireBuffers.getString(buffer, at, limit);
                at += WireBuffers.stringSize(buffer, at, limit);
                final String field = WireBuffers.getString(buffer, at, limit);
                at += WireBuffers.stringSize(buffer, at, limit);
                need(at, Long.BYTES, limit);
                final long currentVersion = buffer.getLong(at, ORDER);
                at += Long.BYTES;
                results.add(CommandResult.rejected(commandId,
                    new Rejection(RejectionKind.valueOf(rejectionKind), code, detail, field, currentVersion)));
                continue;
            }
            if (status != ACCEPTED && status != REPLAYED)
            {
                throw new WireBuffers.MalformedMessageException("unknown result status " + status);
            }
            need(at, Long.BYTES + Integer.BYTES, limit);
            final long position = buffer.getLong(at, ORDER);
            final int eventCount = buffer.getInt(at + Long.BYTES, ORDER);
            at += Long.BYTES + Integer.BYTES;
            final List<RecordedEvent> events = new ArrayList<>(eventCount);
            for (int e = 0; e < eventCount; e++)
            {
                need(at, 28, limit);
                final long eventPosition = buffer.getLong(at, ORDER);
                final long version = buffer.getLong(at + 8, ORDER);
                final long timestampMicros = buffer.getLong(at + 16, ORDER);
                final int schemaVersion = buffer.getInt(at + 24, ORDER);
                at += 28;
                final String[] strings = new String[6];
                for (int s = 0; s < strings.length; s++)
                {
                    strings[s] = WireBuffers.getString(buffer, at, limit);
                    at += WireBuffers.stringSize(buffer, at, limit);
                }
                String traceparent = null;
                if (replyVersion != VERSION_1)
                {
                    traceparent = WireBuffers.getString(buffer, at, limit);
                    at += WireBuffers.stringSize(buffer, at, limit);
                }
                need(at, Integer.BYTES, limit);
                final int payloadLength = buffer.getInt(at, ORDER);
                need(at + Integer.BYTES, payloadLength, limit);
                final EventType<?, ?> type = registry.eventType(strings[0], strings[2]);
                if (type == null)
                {
                    throw new IllegalStateException("event type " + strings[2] + " of aggregate type " + strings[0] +
                        " is not registered on this node");
                }
                final EventDecoder<?> decoder = type.decoderFor(schemaVersion);
                if (decoder == null)
                {
                    throw new IllegalStateException("event " + strings[2] + " schema version " + schemaVersion +
                        " has no decoder on this node");
                }
                final Object data = decoder.decode(reader.wrap(buffer, at + Integer.BYTES, payloadLength));
                at += Integer.BYTES + payloadLength;
                events.add(new RecordedEvent(eventPosition, strings[0], strings[1], version, type, timestampMicros,
                    strings[3], strings[4], strings[5], data, traceparent));
            }
            results.add(new CommandResult(commandId, null, status == REPLAYED, position, List.copyOf(events)));
        }
        if (kind == CommandMessages.SINGLE)
        {
            if (results.size() != 1)
            {
                throw new WireBuffers.MalformedMessageException("a single command's reply holds " + results.size());
            }
            return results.get(0);
        }
        return new BatchResult(kind == CommandMessages.ATOMIC_BATCH, List.copyOf(results), failedIndex);
    }
}
