package dev.strand.cluster;

import dev.strand.engine.api.Command;
import dev.strand.engine.core.CommandFactory;
import org.agrona.DirectBuffer;

import static dev.strand.cluster.CommandMessages.*;
import static dev.strand.cluster.WireBuffers.ORDER;
import static dev.strand.cluster.WireBuffers.need;

/**
 * Reads messages on the members (the service's thread; reused). {@link #wrap} then {@link #next} for each command.
 */
final class CommandMessageDecoder
{
    private final CommandFactory factory;
    private final ReplayReader reads = new ReplayReader();
    private DirectBuffer buffer;
    private int limit;
    private int offset;
    private byte version;
    private byte kind;
    private int count;
    private long correlationId;

    CommandMessageDecoder(final CommandFactory factory)
    {
        this.factory = factory;
    }

    /**
     * @throws WireBuffers.MalformedMessageException for an unknown version or kind, or a short header.
     */
    CommandMessageDecoder wrap(final DirectBuffer message, final int messageOffset, final int length)
    {
        this.buffer = message;
        this.limit = messageOffset + length;
        need(messageOffset, HEADER_LENGTH, limit);
        version = message.getByte(messageOffset + VERSION_OFFSET);
        if (version != VERSION && version != VERSION_2 && version != VERSION_1)
        {
            throw new WireBuffers.MalformedMessageException("unknown command message version " + version +
                " (this build reads " + VERSION_1 + " to " + VERSION + ")");
        }
        kind = message.getByte(messageOffset + KIND_OFFSET);
        if (kind != SINGLE && kind != BATCH && kind != ATOMIC_BATCH)
        {
            throw new WireBuffers.MalformedMessageException("unknown command message kind " + kind);
        }
        count = message.getInt(messageOffset + COUNT_OFFSET, ORDER);
        if (count < 0 || (kind == SINGLE && count != 1))
        {
            throw new WireBuffers.MalformedMessageException("bad command count " + count + " for kind " + kind);
        }
        correlationId = message.getLong(messageOffset + CORRELATION_OFFSET, ORDER);
        offset = messageOffset + HEADER_LENGTH;
        return this;
    }

    byte kind()
    {
        return kind;
    }

    int count()
    {
        return count;
    }

    long correlationId()
    {
        return correlationId;
    }

    /**
     * Builds the next command again through its module's decoder.
     *
     * @throws WireBuffers.MalformedMessageException when the bytes do not follow the format.
     * @throws IllegalStateException                 when this member's module decodes the reads differently.
     */
    Command next()
    {
        need(offset, FIXED_COMMAND_FIELDS, limit);
        final long timestampMicros = buffer.getLong(offset, ORDER);
        final long expectedVersion = buffer.getLong(offset + Long.BYTES, ORDER);
        final long fingerprint = buffer.getLong(offset + 2 * Long.BYTES, ORDER);
        int at = offset + FIXED_COMMAND_FIELDS;
        final String commandId = WireBuffers.getString(buffer, at, limit);
        at += WireBuffers.stringSize(buffer, at, limit);
        String aggregateType = null;
        if (version == VERSION)
        {
            aggregateType = WireBuffers.getString(buffer, at, limit);
            at += WireBuffers.stringSize(buffer, at, limit);
        }
        final String type = WireBuffers.getString(buffer, at, limit);
        at += WireBuffers.stringSize(buffer, at, limit);
        final String aggregateId = WireBuffers.getString(buffer, at, limit);
        at += WireBuffers.stringSize(buffer, at, limit);
        final String correlation = WireBuffers.getString(buffer, at, limit);
        at += WireBuffers.stringSize(buffer, at, limit);
        need(at, Integer.BYTES, limit);
        final int readCount = buffer.getInt(at, ORDER);
        at += Integer.BYTES;
        if (commandId == null || type == null || aggregateId == null || readCount < 0 ||
            (version == VERSION && aggregateType == null))
        {
            throw new WireBuffers.MalformedMessageException("command without id, aggregate type, type or aggregate id");
        }
        reads.wrap(buffer, at, limit, readCount, version != VERSION);
        final Command command = factory.rebuild(commandId, aggregateType, type, aggregateId, expectedVersion,
            correlation, reads, timestampMicros, fingerprint);
        if (reads.remaining() != 0)
        {
            throw new IllegalStateException("the " + type + " decoder read " + (readCount - reads.remaining()) +
                " fields of command " + commandId + " where ingress recorded " + readCount);
        }
        offset = reads.offset();
        if (version == VERSION_1)
        {
            return command;
        }
        final String traceparent = WireBuffers.getString(buffer, offset, limit);
        offset += WireBuffers.stringSize(buffer, offset, limit);
        try
        {
            return traceparent == null ? command : command.withTraceparent(traceparent);
        }
        catch (final dev.strand.engine.api.InvalidCommandException ex)
        {
            throw new WireBuffers.MalformedMessageException("command " + commandId + " carries a traceparent that " +
                "is not version 00: " + ex.rejection().detail());
        }
    }
}
