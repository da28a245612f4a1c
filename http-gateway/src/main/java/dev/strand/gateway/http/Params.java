package dev.strand.gateway.http;

import dev.strand.engine.api.EventFilter;
import dev.strand.engine.spi.AggregateIds;
import io.vertx.core.MultiMap;

/** Query and path parameters: integers within a range, ids by their rule; a bad one is 400 INVALID_FIELD. */
final class Params
{
    /** Longest event type or aggregate type name accepted in a filter. */
    static final int MAX_NAME_LENGTH = 128;

    private Params()
    {
    }

    /** @return the parameter, {@code absent} when missing. */
    static long longParam(final MultiMap params, final String name, final long absent, final long min, final long max)
    {
        final String raw = params.get(name);
        if (raw == null)
        {
            return absent;
        }
        final long value;
        try
        {
            value = Long.parseLong(raw.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ProblemException(Problem.invalidField(name, name + " must be an integer, got '" + clip(raw) + "'"));
        }
        if (value < min || value > max)
        {
            throw new ProblemException(Problem.invalidField(name, name + " must be within " + min + ".." + max));
        }
        return value;
    }

    static String aggregateId(final String raw, final String field)
    {
        if (!AggregateIds.isValid(raw))
        {
            throw new ProblemException(Problem.invalidField(field, field + " must be 1..128 characters of [A-Za-z0-9._:-]"));
        }
        return raw;
    }

    /** The {@code aggregateId}, {@code aggregateType} and {@code type} filter parameters. */
    static EventFilter filter(final MultiMap params)
    {
        final String aggregateId = params.get("aggregateId");
        return new EventFilter(
            aggregateId == null ? null : aggregateId(aggregateId, "aggregateId"),
            name(params, "aggregateType"),
            name(params, "type"));
    }

    private static String name(final MultiMap params, final String name)
    {
        final String raw = params.get(name);
        if (raw == null)
        {
            return null;
        }
        if (raw.isEmpty() || raw.length() > MAX_NAME_LENGTH)
        {
            throw new ProblemException(Problem.invalidField(name, name + " must be 1..128 characters"));
        }
        return raw;
    }

    private static String clip(final String raw)
    {
        return raw.length() <= 32 ? raw : raw.substring(0, 32) + "...";
    }
}
