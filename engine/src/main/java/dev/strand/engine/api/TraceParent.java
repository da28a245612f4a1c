package dev.strand.engine.api;

import dev.strand.journal.TraceContext;

/**
 * The W3C Trace Context rules for a {@code traceparent} a caller sends (https://www.w3.org/TR/trace-context/,
 * "traceparent Header" and "Versioning of traceparent"), checked at ingress like the rest of the envelope. What
 * passes is kept in its version-00 form, the only version the specification defines:
 *
 * <ul>
 *   <li>version {@code 00}: exactly {@code 00-<trace-id: 32 hex>-<parent-id: 16 hex>-<trace-flags: 2 hex>}, 55
 *       characters, lowercase hex, trace-id and parent-id not all zeros; kept as sent;</li>
 *   <li>version {@code ff}: forbidden;</li>
 *   <li>a higher version ({@code 01} to {@code fe}): at least 55 characters, the same three fields in the same
 *       places, followed by the end or a {@code -} (and whatever a future version adds, which is not looked at);
 *       kept as the version-00 traceparent of those fields, with only the {@code sampled} bit of the flags (the one
 *       flag version 00 defines);</li>
 *   <li>anything else (uppercase hex, a version that is not 2 hex digits, a field too short or too long, a wrong
 *       separator, an empty value) is refused.</li>
 * </ul>
 *
 * Where the specification tells a tracer to ignore a bad header and start a new trace, Strand's contract refuses the
 * command instead (400 INVALID_FIELD, field {@code traceparent}): a trace context stored in the journal is kept
 * forever, so a caller learns at once that it sent a broken one. Strand starts no trace of its own: a command without
 * a traceparent has none.
 */
public final class TraceParent
{
    /** The field the rejection names. */
    public static final String FIELD = "traceparent";
    /** Longest value quoted back in a rejection. */
    private static final int MAX_QUOTED = 80;
    private static final int SAMPLED = 1;

    private TraceParent()
    {
    }

    /**
     * @param value what the caller sent (null: none).
     * @return the version-00 traceparent to keep, or null when {@code value} is null.
     * @throws InvalidCommandException INVALID_FIELD naming {@value #FIELD}, saying what is wrong.
     */
    public static String parse(final String value)
    {
        if (value == null)
        {
            return null;
        }
        if (value.length() < 2 || digit(value.charAt(0)) < 0 || digit(value.charAt(1)) < 0 ||
            (value.length() > 2 && value.charAt(2) != '-') || value.length() == 2)
        {
            throw invalid(value, "must start with a version of two lowercase hex digits and a '-'");
        }
        final int version = digit(value.charAt(0)) << 4 | digit(value.charAt(1));
        if (version == 0xff)
        {
            throw invalid(value, "version ff is forbidden");
        }
        if (version == 0 && value.length() != TraceContext.TEXT_LENGTH)
        {
            throw invalid(value, "version 00 is exactly 55 characters: 00-<32 hex trace-id>-<16 hex parent-id>-" +
                "<2 hex trace-flags>");
        }
        if (value.length() < TraceContext.TEXT_LENGTH)
        {
            throw invalid(value, "is shorter than 55 characters");
        }
        checkHex(value, 3, 35, "trace-id", "32");
        checkHex(value, 36, 52, "parent-id", "16");
        checkHex(value, 53, 55, "trace-flags", "2");
        if (value.charAt(35) != '-' || value.charAt(52) != '-' ||
            (value.length() > TraceContext.TEXT_LENGTH && value.charAt(TraceContext.TEXT_LENGTH) != '-'))
        {
            throw invalid(value, "fields must be separated by '-': <version>-<trace-id>-<parent-id>-<trace-flags>");
        }
        if (allZero(value, 3, 35))
        {
            throw invalid(value, "trace-id must not be all zeros");
        }
        if (allZero(value, 36, 52))
        {
            throw invalid(value, "parent-id must not be all zeros");
        }
        if (version == 0)
        {
            return value;
        }
        final int flags = digit(value.charAt(53)) << 4 | digit(value.charAt(54));
        return "00" + value.substring(2, 53) + ((flags & SAMPLED) != 0 ? "01" : "00");
    }

    /** @return the trace-id (32 hex digits) of a traceparent {@link #parse} returned, or null for null. */
    public static String traceId(final String traceparent)
    {
        return traceparent == null ? null : traceparent.substring(3, 35);
    }

    private static void checkHex(final String value, final int from, final int to, final String field,
        final String digits)
    {
        for (int i = from; i < to; i++)
        {
            if (digit(value.charAt(i)) < 0)
            {
                throw invalid(value, field + " must be " + digits + " lowercase hex digits");
            }
        }
    }

    private static boolean allZero(final String value, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (value.charAt(i) != '0')
            {
                return false;
            }
        }
        return true;
    }

    private static int digit(final char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static InvalidCommandException invalid(final String value, final String why)
    {
        final String quoted = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value;
        final StringBuilder printable = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++)
        {
            final char c = quoted.charAt(i);
            printable.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return new InvalidCommandException(Rejection.invalidField(FIELD,
            "traceparent '" + printable + "' is not a W3C traceparent: " + why));
    }
}
