package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Log lines about one command carry its W3C trace id: in the message ({@code trace <32 hex>}) for the text format,
 * and as the key-value pairs {@code traceId} and {@code traceparent} for the JSON format (the gateway's
 * {@code --log-format json}). A command without a traceparent logs neither. Used by both drivers.
 */
public final class CommandLogging
{
    /** The key of the trace id in a log event's key-value pairs. */
    public static final String TRACE_ID = "traceId";
    /** The key of the full traceparent in a log event's key-value pairs. */
    public static final String TRACEPARENT = "traceparent";

    private CommandLogging()
    {
    }

    /** ERROR: the module's handler (or its event encoder) threw for {@code command}; it was rejected. */
    public static void handlerFailed(final Logger log, final Command command, final Throwable cause)
    {
        with(log.atError(), command.traceparent()).setCause(cause).log(
            "handler of {} for aggregate {} (command {}{}) threw; command rejected", command.type().name(),
            command.aggregateId(), command.commandId(), trace(command.traceparent()));
    }

    /**
     * @return {@code builder} with the trace id and traceparent as key-value pairs when {@code traceparent} is not null.
     */
    public static LoggingEventBuilder with(final LoggingEventBuilder builder, final String traceparent)
    {
        if (traceparent == null)
        {
            return builder;
        }
        return builder.addKeyValue(TRACE_ID, dev.strand.engine.api.TraceParent.traceId(traceparent))
            .addKeyValue(TRACEPARENT, traceparent);
    }

    /** @return {@code ", trace <trace id>"} for a message, or "" without a traceparent. */
    public static String trace(final String traceparent)
    {
        return traceparent == null ? "" : ", trace " + dev.strand.engine.api.TraceParent.traceId(traceparent);
    }
}
