package dev.strand.engine.api;

import java.util.Objects;

/**
 * Why a command was not accepted: an expected outcome, carried as data.
 *
 * @param kind           the family, which fixes the HTTP status.
 * @param code           UPPER_SNAKE_CASE machine-readable code.
 * @param detail         a sentence for people.
 * @param field          the offending field for {@link ResultCodes#INVALID_FIELD}, else {@code null}.
 * @param currentVersion the aggregate's version for {@link ResultCodes#WRONG_EXPECTED_VERSION}, else -1.
 */
public record Rejection(RejectionKind kind, String code, String detail, String field, long currentVersion)
{
    public static final Rejection OVERLOADED = new Rejection(
        RejectionKind.UNAVAILABLE, ResultCodes.OVERLOADED, "the command ring is full; retry shortly", null, -1);

    public Rejection
    {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }

    /** A business rule rejected the command (422). */
    public static Rejection business(final String code, final String detail)
    {
        return new Rejection(RejectionKind.BUSINESS, code, detail, null, -1);
    }

    /** A value breaks its rule (400 INVALID_FIELD). */
    public static Rejection invalidField(final String field, final String detail)
    {
        return new Rejection(RejectionKind.INVALID, ResultCodes.INVALID_FIELD, detail, field, -1);
    }

    /** The aggregate does not exist (404 AGGREGATE_NOT_FOUND). */
    public static Rejection notFound(final String aggregateId)
    {
        return new Rejection(
            RejectionKind.NOT_FOUND, ResultCodes.AGGREGATE_NOT_FOUND, "aggregate " + aggregateId + " does not exist", null, -1);
    }

    /** The aggregate already exists (409 AGGREGATE_EXISTS). */
    public static Rejection exists(final String aggregateId)
    {
        return new Rejection(
            RejectionKind.CONFLICT, ResultCodes.AGGREGATE_EXISTS, "aggregate " + aggregateId + " already exists", null, -1);
    }

    /** The expected version does not match (409 WRONG_EXPECTED_VERSION). */
    public static Rejection wrongExpectedVersion(final String aggregateId, final long expected, final long current)
    {
        return new Rejection(
            RejectionKind.CONFLICT,
            ResultCodes.WRONG_EXPECTED_VERSION,
            "aggregate " + aggregateId + " is at version " + current + ", expected " + expected,
            null,
            current);
    }

    /** The engine has halted (503 HALTED). */
    public static Rejection halted(final String reason)
    {
        return new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.HALTED, "the engine has halted: " + reason, null, -1);
    }
}
