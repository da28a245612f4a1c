package dev.strand.engine.api;

import dev.strand.engine.spi.CommandType;

/**
 * One command, decoded and stamped at ingress: immutable. Build it with {@link Engine#newCommand}.
 */
public final class Command
{
    /** {@code expectedVersion} when the caller did not ask for a concurrency check. */
    public static final long ANY_VERSION = Long.MIN_VALUE;
    /** {@code expectedVersion} meaning "the aggregate must not exist yet". */
    public static final long NO_AGGREGATE = -1;

    private final String commandId;
    private final CommandType<?, ?> type;
    private final String aggregateId;
    private final long expectedVersion;
    private final String correlationId;
    private final Object payload;
    private final long timestampMicros;
    private final long fingerprint;
    private final Object wireForm;
    private final String traceparent;

    /**
     * A command without a fingerprint: a reuse of its id for a different command cannot be detected (the engine then
     * answers a repeat of the id with the original result, as before fingerprints existed).
     */
    public Command(
        final String commandId,
        final CommandType<?, ?> type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final Object payload,
        final long timestampMicros)
    {
        this(commandId, type, aggregateId, expectedVersion, correlationId, payload, timestampMicros, 0);
    }

    /**
     * @param fingerprint a hash of what the command asks (type, aggregate, expected version, data), never 0 when
     *                    known; {@link Engine#newCommand} computes it.
     */
    public Command(
        final String commandId,
        final CommandType<?, ?> type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final Object payload,
        final long timestampMicros,
        final long fingerprint)
    {
        this(commandId, type, aggregateId, expectedVersion, correlationId, payload, timestampMicros, fingerprint, null,
            null);
    }

    private Command(
        final String commandId,
        final CommandType<?, ?> type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final Object payload,
        final long timestampMicros,
        final long fingerprint,
        final Object wireForm,
        final String traceparent)
    {
        this.wireForm = wireForm;
        this.traceparent = traceparent;
        this.commandId = commandId;
        this.type = type;
        this.aggregateId = aggregateId;
        this.expectedVersion = expectedVersion;
        this.correlationId = correlationId;
        this.payload = payload;
        this.timestampMicros = timestampMicros;
        this.fingerprint = fingerprint;
    }

    public String commandId()
    {
        return commandId;
    }

    public CommandType<?, ?> type()
    {
        return type;
    }

    public String aggregateId()
    {
        return aggregateId;
    }

    public long expectedVersion()
    {
        return expectedVersion;
    }

    public String correlationId()
    {
        return correlationId;
    }

    public Object payload()
    {
        return payload;
    }

    public long timestampMicros()
    {
        return timestampMicros;
    }

    /**
     * @return a hash of what the command asks (type, aggregate, expected version and data as decoded), or 0 when
     * unknown; two commands with the same id and different fingerprints are different commands.
     */
    public long fingerprint()
    {
        return fingerprint;
    }

    /**
     * @param form what a driver recorded of this command at ingress to send it on (the cluster driver: the decoder's
     *             reads, encoded), opaque to everything else.
     * @return this command carrying {@code form}.
     */
    public Command withWireForm(final Object form)
    {
        return new Command(commandId, type, aggregateId, expectedVersion, correlationId, payload, timestampMicros,
            fingerprint, form, traceparent);
    }

    /**
     * @param traceparent the W3C trace context the caller sent with the command, as {@link TraceParent#parse} keeps it
     *                    (null: none); journaled with each of its events.
     * @return this command carrying {@code traceparent}.
     * @throws InvalidCommandException INVALID_FIELD naming {@code traceparent} when it is not a version-00
     *                                 traceparent ({@link TraceParent#parse} of it would not return it unchanged).
     */
    public Command withTraceparent(final String traceparent)
    {
        if (traceparent != null && !traceparent.equals(TraceParent.parse(traceparent)))
        {
            throw new InvalidCommandException(Rejection.invalidField(TraceParent.FIELD,
                "traceparent must be kept in its version-00 form; use TraceParent.parse"));
        }
        return new Command(commandId, type, aggregateId, expectedVersion, correlationId, payload, timestampMicros,
            fingerprint, wireForm, traceparent);
    }

    /** @return the W3C traceparent the command carries (version 00), or null. */
    public String traceparent()
    {
        return traceparent;
    }

    /** @return what {@link #withWireForm} attached, or null. */
    public Object wireForm()
    {
        return wireForm;
    }

    @Override
    public String toString()
    {
        return "Command{" + type.name() + " " + aggregateId + " id=" + commandId +
            (traceparent != null ? " traceparent=" + traceparent : "") + "}";
    }
}
