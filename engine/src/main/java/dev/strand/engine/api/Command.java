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

    public Command(
        final String commandId,
        final CommandType<?, ?> type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final Object payload,
        final long timestampMicros)
    {
        this.commandId = commandId;
        this.type = type;
        this.aggregateId = aggregateId;
        this.expectedVersion = expectedVersion;
        this.correlationId = correlationId;
        this.payload = payload;
        this.timestampMicros = timestampMicros;
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

    @Override
    public String toString()
    {
        return "Command{" + type.name() + " " + aggregateId + " id=" + commandId + "}";
    }
}
