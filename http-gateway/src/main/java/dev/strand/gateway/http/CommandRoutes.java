package dev.strand.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.RejectionKind;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /commands} and {@code POST /commands/batch}: decode and validate on the event loop, submit to the ring
 * (never blocking: a full ring answers 503 OVERLOADED at once), answer on the request's context when the engine's
 * completion stage reports the events journaled.
 */
final class CommandRoutes
{
    static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final List<String> BATCH_FIELDS = List.of("atomic", "commands");
    private static final JsonFactory JSON = new JsonFactory();
    /** Longest parser message quoted in a syntax error (Jackson's quote the offending token, which may be long). */
    private static final int MAX_SYNTAX_REASON = 200;
    /**
     * Request bodies are parsed strictly: RFC 8259 JSON only (no comments, which Vert.x's own parser allows) and no
     * duplicate keys (last-wins would let {"type":"Withdraw","type":"Deposit"} mean one thing here and another to
     * anything that inspected the first key).
     */
    private static final JsonFactory STRICT = JsonFactory.builder()
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private final Engine engine;
    private final int maxBatchCommands;

    CommandRoutes(final Engine engine, final int maxBatchCommands)
    {
        this.engine = engine;
        this.maxBatchCommands = maxBatchCommands;
    }

    void single(final RoutingContext ctx)
    {
        final Command command;
        try
        {
            command = JsonCodec.toCommand(engine, decode(ctx.body().buffer()), traceparentHeader(ctx), false);
        }
        catch (final ProblemException ex)
        {
            Responses.problem(ctx, ex.problem());
            return;
        }
        final Context context = Vertx.currentContext();
        engine.submit(command, result -> context.runOnContext(v -> answer(ctx, result)));
    }

    private static void answer(final RoutingContext ctx, final CommandResult result)
    {
        if (!result.accepted())
        {
            Responses.problem(ctx, Problem.of(result.rejection(), -1));
            return;
        }
        if (result.replayed())
        {
            ctx.response().putHeader(REPLAYED_HEADER, "true");
        }
        Responses.json(ctx, 200, EventJsonWriter.accepted(result));
    }

    void batch(final RoutingContext ctx)
    {
        final JsonObject body;
        final boolean atomic;
        final JsonArray items;
        final String traceparent;
        try
        {
            traceparent = traceparentHeader(ctx);
            final Object decoded = decode(ctx.body().buffer());
            if (!(decoded instanceof JsonObject object))
            {
                throw new ProblemException(Problem.malformed("a batch must be a JSON object {\"atomic\": bool, \"commands\": [...]}"));
            }
            body = object;
            for (final String name : body.fieldNames())
            {
                if (!BATCH_FIELDS.contains(name))
                {
                    throw new ProblemException(JsonCodec.unknownField(name, "a batch has only atomic and commands"));
                }
            }
            atomic = atomic(body.getValue("atomic"));
            items = commands(body.getValue("commands"));
        }
        catch (final ProblemException ex)
        {
            Responses.problem(ctx, ex.problem());
            return;
        }

        final int n = items.size();
        final List<Command> valid = new ArrayList<>(n);
        final int[] indexOfValid = new int[n];
        final Problem[] invalid = new Problem[n];
        final String[] invalidIds = new String[n];
        for (int i = 0; i < n; i++)
        {
            try
            {
                indexOfValid[valid.size()] = i;
                valid.add(JsonCodec.toCommand(engine, items.getValue(i), traceparent, true));
            }
            catch (final ProblemException ex)
            {
                if (atomic)
                {
                    Responses.problem(ctx, ex.problem().withIndex(i));
                    return;
                }
                invalid[i] = ex.problem();
                invalidIds[i] = commandIdOf(items.getValue(i));
            }
        }
        if (valid.isEmpty())
        {
            Responses.json(ctx, 200, merge(n, invalid, invalidIds, null, indexOfValid));
            return;
        }
        final Context context = Vertx.currentContext();
        engine.submitBatch(valid, atomic, result -> context.runOnContext(
            v -> answerBatch(ctx, atomic, result, n, invalid, invalidIds, indexOfValid)));
    }

    private static void answerBatch(
        final RoutingContext ctx,
        final boolean atomic,
        final BatchResult result,
        final int n,
        final Problem[] invalid,
        final String[] invalidIds,
        final int[] indexOfValid)
    {
        if (atomic && result.failedIndex() >= 0)
        {
            final int failed = result.failedIndex();
            Responses.problem(ctx, Problem.of(result.results().get(failed).rejection(), indexOfValid[failed]));
            return;
        }
        if (!atomic && n == result.results().size() && allUnavailable(result.results()))
        {
            Responses.problem(ctx, Problem.of(result.results().get(0).rejection(), -1));
            return;
        }
        Responses.json(ctx, 200, merge(n, invalid, invalidIds, result.results(), indexOfValid));
    }

    /** {@code {"results":[...]}}: accepted entries streamed with their events, rejected ones as small objects. */
    private static Buffer merge(
        final int n, final Problem[] invalid, final String[] invalidIds, final List<CommandResult> results, final int[] indexOfValid)
    {
        final CommandResult[] byIndex = new CommandResult[n];
        if (results != null)
        {
            for (int k = 0; k < results.size(); k++)
            {
                byIndex[indexOfValid[k]] = results.get(k);
            }
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 512 * n);
        try (JsonGenerator g = JSON.createGenerator(out))
        {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (int i = 0; i < n; i++)
            {
                final CommandResult r = byIndex[i];
                if (r != null && r.accepted())
                {
                    EventJsonWriter.writeAccepted(g, r, true);
                }
                else
                {
                    g.writeRawValue((r != null ? JsonCodec.rejected(r.commandId(), Problem.of(r.rejection(), -1)) : JsonCodec.rejected(invalidIds[i], invalid[i])).encode());
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return Buffer.buffer(out.toByteArray());
    }

    /**
     * The request's {@code traceparent} header as sent, or null; more than one is 400 INVALID_FIELD (the W3C
     * specification lets a receiver take none of several). Checked against the W3C rules with the command.
     */
    static String traceparentHeader(final RoutingContext ctx)
    {
        final List<String> values = ctx.request().headers().getAll(JsonCodec.TRACEPARENT);
        if (values.size() > 1)
        {
            throw new ProblemException(Problem.invalidField(JsonCodec.TRACEPARENT,
                "the request has " + values.size() + " traceparent headers; a request carries at most one"));
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static boolean allUnavailable(final List<CommandResult> results)
    {
        for (final CommandResult r : results)
        {
            if (r.accepted() || r.rejection().kind() != RejectionKind.UNAVAILABLE)
            {
                return false;
            }
        }
        return !results.isEmpty();
    }

    private static boolean atomic(final Object value)
    {
        if (value == null)
        {
            return false;
        }
        if (value instanceof Boolean b)
        {
            return b;
        }
        throw new ProblemException(Problem.malformed("field 'atomic' must be a boolean"));
    }

    private JsonArray commands(final Object value)
    {
        if (value == null)
        {
            throw new ProblemException(Problem.malformed("required field 'commands' is missing"));
        }
        if (!(value instanceof JsonArray array))
        {
            throw new ProblemException(Problem.malformed("field 'commands' must be an array"));
        }
        if (array.isEmpty() || array.size() > maxBatchCommands)
        {
            throw new ProblemException(Problem.invalidField("commands", "a batch holds 1.." + maxBatchCommands + " commands"));
        }
        return array;
    }

    private static String commandIdOf(final Object item)
    {
        return item instanceof JsonObject o && o.getValue("commandId") instanceof String s ? s : null;
    }

    /** The body as a JSON value; a syntax error says where (line and column, both from 1) and what. */
    static Object decode(final Buffer body)
    {
        if (body == null || body.length() == 0)
        {
            throw new ProblemException(Problem.malformed("the body is empty; expected a JSON object"));
        }
        JsonParser parser = null;
        try
        {
            parser = STRICT.createParser(body.getBytes());
            return io.vertx.core.json.jackson.JacksonCodec.fromParser(parser, Object.class);
        }
        catch (final DecodeException ex)
        {
            if (ex.getCause() instanceof JsonProcessingException syntax)
            {
                throw new ProblemException(Problem.malformed(syntaxError(syntax.getOriginalMessage(), syntax.getLocation())));
            }
            // the one DecodeException without a parser cause: a second value after the first
            throw new ProblemException(Problem.malformed(syntaxError(
                "unexpected content after the JSON value", parser == null ? null : parser.currentTokenLocation())));
        }
        catch (final IOException ex)
        {
            throw new ProblemException(Problem.malformed("the body is not valid JSON"));
        }
    }

    static String syntaxError(final String what, final JsonLocation where)
    {
        final StringBuilder detail = new StringBuilder("the body is not valid JSON");
        if (where != null && where.getLineNr() > 0)
        {
            detail.append(" at line ").append(where.getLineNr()).append(", column ").append(where.getColumnNr());
        }
        if (what != null && !what.isBlank())
        {
            String reason = what.strip();
            final int newline = reason.indexOf('\n');
            if (newline >= 0)
            {
                reason = reason.substring(0, newline);
            }
            if (reason.length() > MAX_SYNTAX_REASON)
            {
                reason = reason.substring(0, MAX_SYNTAX_REASON) + "...";
            }
            detail.append(": ").append(reason);
        }
        return detail.toString();
    }
}
