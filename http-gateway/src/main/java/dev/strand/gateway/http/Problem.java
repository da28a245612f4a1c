package dev.strand.gateway.http;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * An RFC 9457 problem: status, machine-readable code, a sentence for people, and the optional members the API names
 * ({@code field}, {@code currentVersion}, {@code index}). The one place where a {@link RejectionKind} becomes an HTTP
 * status.
 */
public record Problem(int status, String code, String detail, String field, long currentVersion, int index, int retryAfterSeconds)
{
    public static final String CONTENT_TYPE = "application/problem+json";

    public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
    public static final String INVALID_FIELD = "INVALID_FIELD";
    public static final String UNKNOWN_FIELD = "UNKNOWN_FIELD";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
    public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    public static final String FORBIDDEN = "FORBIDDEN";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    public static final String AGGREGATE_NOT_FOUND = "AGGREGATE_NOT_FOUND";
    public static final String VERSION_NOT_FOUND = "VERSION_NOT_FOUND";
    public static final String READ_MODEL_TIMEOUT = "READ_MODEL_TIMEOUT";
    public static final String REQUEST_TIMEOUT = "REQUEST_TIMEOUT";
    public static final String SHUTTING_DOWN = "SHUTTING_DOWN";
    public static final String NOT_READY = "NOT_READY";
    public static final String UPGRADE_REQUIRED = "UPGRADE_REQUIRED";
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
    public static final String ARCHIVED = "ARCHIVED";

    /** Seconds a client should wait before retrying a 503. */
    public static final int RETRY_AFTER_SECONDS = 1;

    public static Problem of(final int status, final String code, final String detail)
    {
        return new Problem(status, code, detail, null, -1, -1, status == 503 ? RETRY_AFTER_SECONDS : 0);
    }

    public static Problem invalidField(final String field, final String detail)
    {
        return new Problem(400, INVALID_FIELD, detail, field, -1, -1, 0);
    }

    public static Problem malformed(final String detail)
    {
        return of(400, MALFORMED_REQUEST, detail);
    }

    /** The engine's rejection as a problem; {@code index} >= 0 for a command inside a batch. */
    public static Problem of(final Rejection rejection, final int index)
    {
        final int status = statusOf(rejection.kind());
        return new Problem(
            status,
            rejection.code(),
            rejection.detail(),
            rejection.field(),
            rejection.currentVersion(),
            index,
            status == 503 ? RETRY_AFTER_SECONDS : 0);
    }

    /** RejectionKind to HTTP status: the only such mapping in the gateway. */
    public static int statusOf(final RejectionKind kind)
    {
        return switch (kind)
        {
            case MALFORMED, INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case BUSINESS -> 422;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    public Problem withIndex(final int batchIndex)
    {
        return new Problem(status, code, detail, field, currentVersion, batchIndex, retryAfterSeconds);
    }

    public Problem withRetryAfter(final int seconds)
    {
        return new Problem(status, code, detail, field, currentVersion, index, seconds);
    }

    public JsonObject toJson()
    {
        final JsonObject json = new JsonObject()
            .put("type", "urn:strand:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-'))
            .put("title", title(code))
            .put("status", status)
            .put("detail", detail)
            .put("code", code);
        if (field != null)
        {
            json.put("field", field);
        }
        if (currentVersion >= 0)
        {
            json.put("currentVersion", currentVersion);
        }
        if (index >= 0)
        {
            json.put("index", index);
        }
        return json;
    }

    /** {@code INSUFFICIENT_FUNDS} becomes {@code "Insufficient funds"}. */
    static String title(final String code)
    {
        final String words = code.toLowerCase(Locale.ROOT).replace('_', ' ');
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
