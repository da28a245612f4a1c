package dev.strand.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One journaled event, as filled by {@link JournalReader#next(EventRecord)}. A mutable holder meant to be
 * reused: its strings are immutable, but {@link #payload()} is a view of the reader's buffer that the next
 * {@code next()} call overwrites. Use {@link #copy()} to keep an event.
 */
public final class EventRecord
{
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private long position;
    private long version;
    private long timestampMicros;
    private int schemaVersion;
    private String aggregateType;
    private String aggregateId;
    private String eventType;
    private String commandId;
    private long commandFingerprint;
    private String correlationId;
    private String causationId;
    private DirectBuffer payload = EMPTY;
    private int payloadOffset;
    private int payloadLength;
    private long commitFirstPosition;
    private long commitLastPosition;
    private boolean traced;
    private long traceIdHigh;
    private long traceIdLow;
    private long parentId;
    private int traceFlags;
    private DirectBuffer chainHash = EMPTY;
    private int chainHashOffset = -1;

    /**
     * @return the event's journal position (gapless from 1).
     */
    public long position()
    {
        return position;
    }

    /**
     * @return the aggregate version this event produced.
     */
    public long version()
    {
        return version;
    }

    /**
     * @return the command's timestamp, epoch microseconds.
     */
    public long timestampMicros()
    {
        return timestampMicros;
    }

    /**
     * @return the payload's schema version.
     */
    public int schemaVersion()
    {
        return schemaVersion;
    }

    /**
     * @return the aggregate type, or null.
     */
    public String aggregateType()
    {
        return aggregateType;
    }

    /**
     * @return the aggregate id, or null.
     */
    public String aggregateId()
    {
        return aggregateId;
    }

    /**
     * @return the event type, or null.
     */
    public String eventType()
    {
        return eventType;
    }

    /**
     * @return the id of the command that produced the event, or null.
     */
    public String commandId()
    {
        return commandId;
    }

    /**
     * @return the command's fingerprint on the first event of a command written with one, else 0 (other events, and
     * journals of format version 1).
     */
    public long commandFingerprint()
    {
        return commandFingerprint;
    }

    /**
     * @return the correlation id, or null.
     */
    public String correlationId()
    {
        return correlationId;
    }

    /**
     * @return the causation id, or null.
     */
    public String causationId()
    {
        return causationId;
    }

    /**
     * @return the buffer holding the payload at {@link #payloadOffset()}; valid until the reader's next call.
     */
    /**
     * @return whether the event was journaled with the W3C trace context of its command.
     */
    public boolean hasTraceContext()
    {
        return traced;
    }

    /**
     * @return the W3C traceparent (version 00) the event was journaled with, or null; formatted on each call.
     */
    public String traceparent()
    {
        return traced ? TraceContext.format(traceIdHigh, traceIdLow, parentId, traceFlags) : null;
    }

    /**
     * @return the 32 hex digits of the trace-id the event was journaled with, or null; formatted on each call.
     */
    public String traceId()
    {
        return traced ? TraceContext.traceId(traceIdHigh, traceIdLow) : null;
    }

    public DirectBuffer payload()
    {
        return payload;
    }

    /**
     * @return offset of the payload in {@link #payload()}.
     */
    public int payloadOffset()
    {
        return payloadOffset;
    }

    /**
     * @return payload length in bytes.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * @return position of the first event of the commit this event belongs to.
     */
    public long commitFirstPosition()
    {
        return commitFirstPosition;
    }

    /**
     * @return position of the last event of the commit this event belongs to.
     */
    public long commitLastPosition()
    {
        return commitLastPosition;
    }

    /**
     * @return whether this event's commit carries a chain hash (format 3); commits written before the hash chain do
     * not.
     */
    public boolean hasChainHash()
    {
        return chainHashOffset >= 0;
    }

    /**
     * Copies the chain hash of this event's commit (the same for every event of the commit).
     *
     * @param into receives 32 bytes.
     * @throws IllegalStateException if the commit carries no chain hash.
     */
    public void chainHash(final byte[] into)
    {
        if (chainHashOffset < 0)
        {
            throw new IllegalStateException("commit " + commitFirstPosition + ".." + commitLastPosition +
                " predates the hash chain");
        }
        chainHash.getBytes(chainHashOffset, into, 0, ChainHash.LENGTH);
    }

    /**
     * @return the chain hash of this event's commit as 64 hex digits, or null when it carries none.
     */
    public String chainHashHex()
    {
        if (chainHashOffset < 0)
        {
            return null;
        }
        final byte[] hash = new byte[ChainHash.LENGTH];
        chainHash(hash);
        return ChainHash.hex(hash);
    }

    /**
     * @return a deep copy that owns its payload bytes, safe to keep.
     */
    public EventRecord copy()
    {
        final EventRecord copy = new EventRecord();
        final byte[] bytes = new byte[payloadLength];
        payload.getBytes(payloadOffset, bytes);
        copy.set(position, version, timestampMicros, schemaVersion, aggregateType, aggregateId, eventType, commandId,
            correlationId, causationId, commandFingerprint, new UnsafeBuffer(bytes), 0, payloadLength, commitFirstPosition, commitLastPosition);
        copy.trace(traced, traceIdHigh, traceIdLow, parentId, traceFlags);
        if (chainHashOffset >= 0)
        {
            final byte[] hash = new byte[ChainHash.LENGTH];
            chainHash(hash);
            copy.chainHash(new UnsafeBuffer(hash), 0);
        }
        return copy;
    }

    void set(
        final long position,
        final long version,
        final long timestampMicros,
        final int schemaVersion,
        final String aggregateType,
        final String aggregateId,
        final String eventType,
        final String commandId,
        final String correlationId,
        final String causationId,
        final long commandFingerprint,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength,
        final long commitFirstPosition,
        final long commitLastPosition)
    {
        this.position = position;
        this.version = version;
        this.timestampMicros = timestampMicros;
        this.schemaVersion = schemaVersion;
        this.aggregateType = aggregateType;
        this.aggregateId = aggregateId;
        this.eventType = eventType;
        this.commandId = commandId;
        this.correlationId = correlationId;
        this.causationId = causationId;
        this.commandFingerprint = commandFingerprint;
        this.payload = payload;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
        this.commitFirstPosition = commitFirstPosition;
        this.commitLastPosition = commitLastPosition;
    }

    void trace(final boolean traced, final long traceIdHigh, final long traceIdLow, final long parentId,
        final int traceFlags)
    {
        this.traced = traced;
        this.traceIdHigh = traceIdHigh;
        this.traceIdLow = traceIdLow;
        this.parentId = parentId;
        this.traceFlags = traceFlags;
    }

    /**
     * The chain hash of the event's commit is at {@code offset} of {@code buffer} ({@code -1}: none).
     */
    void chainHash(final DirectBuffer buffer, final int offset)
    {
        chainHash = buffer;
        chainHashOffset = offset;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "EventRecord{position=" + position + ", commit=[" + commitFirstPosition + ".." + commitLastPosition +
            "], aggregate=" + aggregateType + '/' + aggregateId + ", version=" + version + ", eventType=" + eventType +
            ", schemaVersion=" + schemaVersion + ", timestampMicros=" + timestampMicros + ", commandId=" + commandId +
            ", correlationId=" + correlationId + ", causationId=" + causationId +
            (traced ? ", traceparent=" + traceparent() : "") + ", payloadLength=" + payloadLength + '}';
    }
}
