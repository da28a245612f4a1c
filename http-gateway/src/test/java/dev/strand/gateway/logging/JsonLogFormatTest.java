package dev.strand.gateway.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.strand.engine.api.Command;
import dev.strand.engine.core.CommandLogging;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.AggregateModule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped {@code --log-format json} configuration ({@code logback-json.xml}) writes one JSON object a line with
 * the usual fields, and a line about a traced command carries its trace id as a field; the text format carries it in
 * the message.
 */
class JsonLogFormatTest
{
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldCarryTheTraceIdAsAFieldOfTheJsonLine() throws Exception
    {
        final List<String> lines = logWith("logback-json.xml");
        assertThat(lines).hasSize(2);
        final JsonObject traced = new JsonObject(lines.get(0));
        assertThat(traced.getString("level")).isEqualTo("ERROR");
        assertThat(traced.getString("loggerName")).isEqualTo("dev.strand.test");
        assertThat(traced.getString("formattedMessage")).contains("command cmd-1").contains("trace 4bf92f35");
        assertThat(traced.getLong("timestamp")).isPositive();
        final JsonArray pairs = traced.getJsonArray("kvpList");
        assertThat(pairs).isNotNull();
        final JsonObject fields = new JsonObject();
        pairs.forEach(p -> fields.mergeIn((JsonObject)p));
        assertThat(fields.getString("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(fields.getString("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(traced.containsKey("throwable")).as("the cause is a field too, not a stack trace line").isTrue();

        final JsonObject untraced = new JsonObject(lines.get(1));
        assertThat(untraced.getString("formattedMessage")).doesNotContain("trace ");
        assertThat(untraced.getJsonArray("kvpList", new JsonArray())).isEmpty();
    }

    @Test
    void shouldCarryTheTraceIdInTheTextMessage() throws Exception
    {
        final String text = String.join("\n", logWith("logback.xml"));
        assertThat(text).contains("(command cmd-1, trace 4bf92f3577b34da6a3ce929d0e0e4736) threw");
        assertThat(text).contains("(command cmd-2) threw");
    }

    private static List<String> logWith(final String resource) throws Exception
    {
        final LoggerContext context = new LoggerContext();
        final JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(JsonLogFormatTest.class.getResource("/" + resource));
        context.start();
        final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        final OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>)root.getAppender("STDOUT");
        final Encoder<ILoggingEvent> encoder = console.getEncoder();
        root.detachAppender(console);
        final ch.qos.logback.core.read.ListAppender<ILoggingEvent> captured = new ch.qos.logback.core.read.ListAppender<>();
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        final Logger logger = context.getLogger("dev.strand.test");
        final AggregateModule<?> ledger = new LedgerModule();
        final Command traced = new Command("cmd-1", ledger.commandTypes().get(0), "acc-1", Command.ANY_VERSION, null,
            null, 1).withTraceparent(TRACEPARENT);
        final Command untraced = new Command("cmd-2", ledger.commandTypes().get(0), "acc-1", Command.ANY_VERSION, null,
            null, 1);
        CommandLogging.handlerFailed(logger, traced, new IllegalStateException("boom"));
        CommandLogging.handlerFailed(logger, untraced, new IllegalStateException("boom"));
        final StringBuilder out = new StringBuilder();
        for (final ILoggingEvent event : captured.list)
        {
            out.append(new String(encoder.encode(event), StandardCharsets.UTF_8));
        }
        context.stop();
        return out.toString().lines().filter(l -> l.contains("handler of")).toList();
    }
}
