package dev.strand.engine.api;

import dev.strand.engine.spi.AggregateIds;

/**
 * The one place the rules of a command's envelope live: ids, expected version. The engine checks every command with
 * them at ingress ({@link Engine#newCommand}); the gateway adds nothing of its own.
 */
public final class Envelope
{
    /** Longest command id and correlation id, in characters. */
    public static final int MAX_ID_LENGTH = 128;

    private Envelope()
    {
    }

    /**
     * @throws InvalidCommandException with INVALID_FIELD naming the field that breaks its rule.
     */
    public static void check(final String commandId, final String aggregateId, final long expectedVersion,
        final String correlationId)
    {
        if (!AggregateIds.isValid(aggregateId))
        {
            throw new InvalidCommandException(Rejection.invalidField(
                "aggregateId", "aggregateId must be 1.." + AggregateIds.MAX_LENGTH + " characters of [A-Za-z0-9._:-]"));
        }
        checkId("commandId", commandId);
        checkId("correlationId", correlationId);
        if (expectedVersion != Command.ANY_VERSION && expectedVersion < Command.NO_AGGREGATE)
        {
            throw new InvalidCommandException(
                Rejection.invalidField("expectedVersion", "expectedVersion must be -1 (must not exist) or >= 0"));
        }
    }

    /**
     * An optional id (null is fine): 1..{@value #MAX_ID_LENGTH} characters.
     *
     * @throws InvalidCommandException with INVALID_FIELD naming the field.
     */
    public static void checkId(final String field, final String id)
    {
        if (id != null && (id.isEmpty() || id.length() > MAX_ID_LENGTH))
        {
            throw new InvalidCommandException(
                Rejection.invalidField(field, field + " must be 1.." + MAX_ID_LENGTH + " characters"));
        }
    }
}
