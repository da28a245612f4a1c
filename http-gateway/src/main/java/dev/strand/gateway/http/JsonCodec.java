package dev.strand.gateway.http;

import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.api.SnapshotSummary;
import dev.strand.engine.api.TraceParent;
import dev.strand.engine.spi.InvalidFieldException;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.engine.spi.MapFieldWriter;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON on the wire: the command envelope in; rejected batch entries, states and snapshots out (docs/api.md's shapes).
 * Events and accepted results are streamed by {@link EventJsonWriter}.
 */
public final class JsonCodec
{
    /** The fields of a command envelope; any other is UNKNOWN_FIELD. */
    static final List<String> ENVELOPE_FIELDS = List.of("commandId", "aggregateType", "type", "aggregateId",
        "expectedVersion", "correlationId", "data");
    /** The fields of a batch item: the envelope's and its own W3C {@code traceparent}. */
    static final List<String> BATCH_ITEM_FIELDS = List.of("commandId", "aggregateType", "type", "aggregateId",
        "expectedVersion", "correlationId", "traceparent", "data");
    /** The W3C Trace Context header, and the batch item field of the same name. */
    static final String TRACEPARENT = TraceParent.FIELD;
    /** Longest field name quoted back in a problem; a longer one is cut (a hostile body may carry a 1 MB key). */
    private static final int MAX_QUOTED_NAME = 128;

    private JsonCodec()
    {
    }

    /**
     * Reads the envelope's JSON (its fields and their JSON types) and builds the command through the engine, which
     * resolves the type (within {@code aggregateType} when given), checks the envelope's rules ({@code Envelope}) and
     * decodes {@code data}. Strict: a field the envelope does not have, or one in {@code data} (at any depth) that the
     * command type's decoder did not read, is UNKNOWN_FIELD, so a misspelt field never switches a check off silently.
     *
     * @throws ProblemException 400 MALFORMED_REQUEST, UNKNOWN_FIELD, UNKNOWN_AGGREGATE_TYPE, UNKNOWN_COMMAND_TYPE,
     *                          AMBIGUOUS_COMMAND_TYPE or INVALID_FIELD.
     */
    static Command toCommand(final Engine engine, final Object body)
    {
        return toCommand(engine, body, null, false);
    }

    /**
     * As {@link #toCommand(Engine, Object)}, with a W3C trace context: a batch item's own {@code traceparent} field,
     * else {@code headerTraceparent} (the request's header), checked by {@link TraceParent#parse}.
     *
     * @param batchItem whether {@code body} is an item of a batch, which may have a {@code traceparent} field.
     * @throws ProblemException also 400 INVALID_FIELD naming {@code traceparent}.
     */
    static Command toCommand(final Engine engine, final Object body, final String headerTraceparent,
        final boolean batchItem)
    {
        if (!(body instanceof JsonObject envelope))
        {
            throw new ProblemException(Problem.malformed("a command must be a JSON object"));
        }
        final List<String> fields = batchItem ? BATCH_ITEM_FIELDS : ENVELOPE_FIELDS;
        for (final String name : envelope.fieldNames())
        {
            if (!fields.contains(name))
            {
                throw new ProblemException(unknownField(name, "a command has only " + String.join(", ", fields) +
                    (TRACEPARENT.equals(name) ? " (send a single command's traceparent as the traceparent header)" : "")));
            }
        }
        final String traceparent;
        try
        {
            traceparent = TraceParent.parse(batchItem && envelope.containsKey(TRACEPARENT) ?
                optionalId(envelope, TRACEPARENT) : headerTraceparent);
        }
        catch (final InvalidCommandException ex)
        {
            throw new ProblemException(Problem.of(ex.rejection(), -1));
        }
        final String type = requiredString(envelope, "type");
        final String aggregateType = optionalId(envelope, "aggregateType");
        final String aggregateId = requiredString(envelope, "aggregateId");
        final String commandId = optionalId(envelope, "commandId");
        final String correlationId = optionalId(envelope, "correlationId");
        final long expectedVersion = expectedVersion(envelope.getValue("expectedVersion"));
        final MapFieldReader data = new MapFieldReader(data(envelope.getValue("data")));
        final Command command;
        try
        {
            command = engine.newCommand(commandId, aggregateType, type, aggregateId, expectedVersion, correlationId, data);
        }
        catch (final InvalidCommandException ex)
        {
            throw new ProblemException(Problem.of(ex.rejection(), -1));
        }
        catch (final InvalidFieldException ex)
        {
            throw new ProblemException(Problem.invalidField(ex.field(), ex.getMessage()));
        }
        final String unread = data.firstUnreadField();
        if (unread != null)
        {
            throw new ProblemException(unknownField("data." + unread, type + " does not take this field in its data"));
        }
        return traceparent == null ? command : command.withTraceparent(traceparent);
    }

    /** 400 UNKNOWN_FIELD naming {@code field} (cut when absurdly long), with why in the detail. */
    static Problem unknownField(final String field, final String why)
    {
        final String name = field.length() > MAX_QUOTED_NAME ? field.substring(0, MAX_QUOTED_NAME) + "..." : field;
        return new Problem(400, Problem.UNKNOWN_FIELD, "unknown field '" + name + "': " + why, name, -1, -1, 0);
    }

    private static String requiredString(final JsonObject envelope, final String name)
    {
        final Object value = envelope.getValue(name);
        if (value == null)
        {
            throw new ProblemException(Problem.malformed("required field '" + name + "' is missing"));
        }
        if (!(value instanceof String s))
        {
            throw new ProblemException(Problem.malformed("field '" + name + "' must be a string"));
        }
        return s;
    }

    private static String optionalId(final JsonObject envelope, final String name)
    {
        final Object value = envelope.getValue(name);
        if (value == null)
        {
            if (TRACEPARENT.equals(name))
            {
                throw new ProblemException(Problem.malformed("field 'traceparent' must be a string; leave it out for none"));
            }
            return null;
        }
        if (!(value instanceof String s))
        {
            throw new ProblemException(Problem.malformed("field '" + name + "' must be a string"));
        }
        return s;
    }

    private static long expectedVersion(final Object value)
    {
        if (value == null)
        {
            return Command.ANY_VERSION;
        }
        if (value instanceof Integer || value instanceof Long)
        {
            return ((Number)value).longValue();
        }
        if (value instanceof BigInteger)
        {
            throw new ProblemException(Problem.invalidField("expectedVersion", "expectedVersion is beyond a signed 64-bit integer"));
        }
        throw new ProblemException(Problem.malformed("field 'expectedVersion' must be an integer"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(final Object value)
    {
        if (value == null)
        {
            return Map.of();
        }
        if (value instanceof JsonObject json)
        {
            return json.getMap();
        }
        if (value instanceof Map<?, ?> map)
        {
            return (Map<String, Object>)map;
        }
        throw new ProblemException(Problem.malformed("field 'data' must be a JSON object"));
    }

    public static JsonObject rejected(final String commandId, final Problem problem)
    {
        final JsonObject json = new JsonObject()
            .put("commandId", commandId)
            .put("status", "rejected")
            .put("httpStatus", problem.status())
            .put("code", problem.code())
            .put("detail", problem.detail());
        if (problem.field() != null)
        {
            json.put("field", problem.field());
        }
        if (problem.currentVersion() >= 0)
        {
            json.put("currentVersion", problem.currentVersion());
        }
        return json;
    }

    /** {@code {"aggregateId","aggregateType","version","state":{...}}}. */
    public static JsonObject aggregate(final AggregateView view)
    {
        final MapFieldWriter state = new MapFieldWriter();
        view.writeState(state);
        final Map<String, Object> fields = new LinkedHashMap<>(8);
        fields.put("aggregateId", view.aggregateId());
        fields.put("aggregateType", view.aggregateType());
        fields.put("version", view.version());
        fields.put("state", new JsonObject(state.fields()));
        return new JsonObject(fields);
    }

    public static JsonObject snapshot(final SnapshotSummary s)
    {
        return new JsonObject()
            .put("file", s.file())
            .put("position", s.position())
            .put("sizeBytes", s.sizeBytes())
            .put("createdAt", Instant.ofEpochMilli(s.createdAtEpochMillis()).toString())
            .put("durationMicros", s.durationMicros());
    }

    /** A backup's manifest as {@code POST /admin/backups} and {@code GET /admin/backups} give it. */
    public static JsonObject backup(final dev.strand.journal.BackupManifest m)
    {
        return new JsonObject()
            .put("position", m.position())
            .put("path", m.path().toAbsolutePath().normalize().toString())
            .put("bytes", m.bytes())
            .put("hash", m.hash())
            .put("firstPosition", m.firstPosition())
            .put("snapshotPosition", m.snapshotPosition())
            .put("stateHash", m.stateHash())
            .put("createdAt", Instant.ofEpochMilli(m.createdAtEpochMillis()).toString())
            .put("durationMillis", m.durationMillis());
    }

    /** Epoch microseconds as ISO-8601 UTC with exactly six fraction digits: {@code 2026-11-22T10:15:30.123456Z}. */
    public static String timestamp(final long epochMicros)
    {
        final long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        final int micros = (int)Math.floorMod(epochMicros, 1_000_000L);
        final LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        final StringBuilder sb = new StringBuilder(27);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2).append('.');
        pad(sb, micros, 6).append('Z');
        return sb.toString();
    }

    private static StringBuilder pad(final StringBuilder sb, final int value, final int width)
    {
        final String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++)
        {
            sb.append('0');
        }
        return sb.append(digits);
    }
}
