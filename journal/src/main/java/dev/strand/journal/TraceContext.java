package dev.strand.journal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A W3C trace context as the journal keeps it with an event: the trace-id (16 bytes), the parent-id (8 bytes) and the
 * trace-flags (1 byte) of a {@code traceparent}, 25 bytes in the commit (journal/README.md). The journal takes and
 * gives the version-00 text form, {@code 00-<32 hex>-<16 hex>-<2 hex>} in lowercase; checking what a caller sent
 * against the W3C rules is the engine's ({@code dev.strand.engine.api.TraceParent}). The hex is parsed and formatted
 * char by char: writing allocates nothing.
 */
public final class TraceContext
{
    /** Length of the version-00 text form. */
    public static final int TEXT_LENGTH = 55;

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceContext()
    {
    }

    /**
     * @return whether {@code text} is a traceparent in the version-00 form the journal stores (lowercase hex, ids not
     * all zero).
     */
    public static boolean isStorable(final String text)
    {
        if (text == null || text.length() != TEXT_LENGTH || text.charAt(0) != '0' || text.charAt(1) != '0' ||
            text.charAt(2) != '-' || text.charAt(35) != '-' || text.charAt(52) != '-')
        {
            return false;
        }
        boolean traceNonZero = false;
        boolean parentNonZero = false;
        for (int i = 3; i < TEXT_LENGTH; i++)
        {
            if (i == 35 || i == 52)
            {
                continue;
            }
            final int digit = digit(text.charAt(i));
            if (digit < 0)
            {
                return false;
            }
            if (digit != 0 && i < 35)
            {
                traceNonZero = true;
            }
            else if (digit != 0 && i < 52)
            {
                parentNonZero = true;
            }
        }
        return traceNonZero && parentNonZero;
    }

    /**
     * Writes the 25 bytes of {@code text} at {@code offset} if it is storable ({@link #isStorable}), in one pass.
     *
     * @return false, with the 25 bytes at {@code offset} undefined, when it is not.
     */
    static boolean put(final MutableDirectBuffer buffer, final int offset, final String text)
    {
        if (text.length() != TEXT_LENGTH || text.charAt(0) != '0' || text.charAt(1) != '0' || text.charAt(2) != '-' ||
            text.charAt(35) != '-' || text.charAt(52) != '-')
        {
            return false;
        }
        final long high = hex(text, 3);
        final long low = hex(text, 19);
        final long parent = hex(text, 36);
        final int flagsHigh = digit(text.charAt(53));
        final int flagsLow = digit(text.charAt(54));
        if (high == -1 && isBad(text, 3) || low == -1 && isBad(text, 19) || parent == -1 && isBad(text, 36) ||
            flagsHigh < 0 || flagsLow < 0 || (high == 0 && low == 0) || parent == 0)
        {
            return false;
        }
        buffer.putLong(offset, high, BE);
        buffer.putLong(offset + Long.BYTES, low, BE);
        buffer.putLong(offset + CommitFormat.TRACE_ID_LENGTH, parent, BE);
        buffer.putByte(offset + CommitFormat.TRACE_ID_LENGTH + CommitFormat.PARENT_ID_LENGTH,
            (byte)(flagsHigh << 4 | flagsLow));
        return true;
    }

    /** The 16 hex digits at {@code from} as a long; -1 also when one is not a lowercase hex digit (see isBad). */
    private static long hex(final String text, final int from)
    {
        long value = 0;
        for (int i = from; i < from + 16; i++)
        {
            final int d = digit(text.charAt(i));
            if (d < 0)
            {
                return -1;
            }
            value = value << 4 | d;
        }
        return value;
    }

    /** Whether the 16 characters at {@code from}, which {@link #hex} read as -1, are not all 'f' (a real -1). */
    private static boolean isBad(final String text, final int from)
    {
        for (int i = from; i < from + 16; i++)
        {
            if (text.charAt(i) != 'f')
            {
                return true;
            }
        }
        return false;
    }

    static long traceIdHigh(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset, BE);
    }

    static long traceIdLow(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + Long.BYTES, BE);
    }

    static long parentId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + CommitFormat.TRACE_ID_LENGTH, BE);
    }

    static int flags(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + CommitFormat.TRACE_ID_LENGTH + CommitFormat.PARENT_ID_LENGTH) & 0xFF;
    }

    /** @return the version-00 traceparent of these fields. */
    static String format(final long traceIdHigh, final long traceIdLow, final long parentId, final int flags)
    {
        final char[] text = new char[TEXT_LENGTH];
        text[0] = '0';
        text[1] = '0';
        text[2] = '-';
        hex(text, 3, traceIdHigh, 16);
        hex(text, 19, traceIdLow, 16);
        text[35] = '-';
        hex(text, 36, parentId, 16);
        text[52] = '-';
        hex(text, 53, flags, 2);
        return new String(text);
    }

    /** @return the 32 hex digits of the trace-id of these fields. */
    static String traceId(final long traceIdHigh, final long traceIdLow)
    {
        final char[] text = new char[32];
        hex(text, 0, traceIdHigh, 16);
        hex(text, 16, traceIdLow, 16);
        return new String(text);
    }

    private static void hex(final char[] into, final int at, final long value, final int digits)
    {
        for (int i = 0; i < digits; i++)
        {
            into[at + i] = HEX[(int)(value >>> (4 * (digits - 1 - i))) & 0xF];
        }
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
}
