package dev.strand.cluster;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The primitives of the cluster's message formats: little-endian fixed fields, and strings as an int length (-1 for
 * null) followed by UTF-8 bytes.
 */
final class WireBuffers
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private WireBuffers()
    {
    }

    /** @return the offset after the string. */
    static int putString(final MutableDirectBuffer buffer, final int offset, final String value)
    {
        if (value == null)
        {
            buffer.putInt(offset, -1, ORDER);
            return offset + Integer.BYTES;
        }
        if (isAscii(value))
        {
            final int length = value.length();
            buffer.putInt(offset, length, ORDER);
            buffer.putStringWithoutLengthAscii(offset + Integer.BYTES, value);
            return offset + Integer.BYTES + length;
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.putInt(offset, bytes.length, ORDER);
        buffer.putBytes(offset + Integer.BYTES, bytes);
        return offset + Integer.BYTES + bytes.length;
    }

    /** @return the string at {@code offset}, or null. */
    static String getString(final DirectBuffer buffer, final int offset, final int limit)
    {
        final int length = stringLength(buffer, offset, limit);
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset + Integer.BYTES, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** @return the bytes the string at {@code offset} takes, length field included. */
    static int stringSize(final DirectBuffer buffer, final int offset, final int limit)
    {
        final int length = stringLength(buffer, offset, limit);
        return Integer.BYTES + Math.max(length, 0);
    }

    /** @return true when the string at {@code offset} equals {@code expected} (null equals null); allocates nothing for ASCII. */
    static boolean stringEquals(final DirectBuffer buffer, final int offset, final int limit, final String expected)
    {
        final int length = stringLength(buffer, offset, limit);
        if (length < 0 || expected == null)
        {
            return length < 0 && expected == null;
        }
        if (isAscii(expected))
        {
            if (length != expected.length())
            {
                return false;
            }
            final int start = offset + Integer.BYTES;
            for (int i = 0; i < length; i++)
            {
                if (buffer.getByte(start + i) != (byte)expected.charAt(i))
                {
                    return false;
                }
            }
            return true;
        }
        return expected.equals(getString(buffer, offset, limit));
    }

    static void need(final int offset, final int bytes, final int limit)
    {
        if (offset < 0 || bytes < 0 || offset + bytes > limit)
        {
            throw new MalformedMessageException("message too short: needs " + bytes + " bytes at offset " + offset +
                ", ends at " + limit);
        }
    }

    private static int stringLength(final DirectBuffer buffer, final int offset, final int limit)
    {
        need(offset, Integer.BYTES, limit);
        final int length = buffer.getInt(offset, ORDER);
        if (length >= 0)
        {
            need(offset + Integer.BYTES, length, limit);
        }
        else if (length != -1)
        {
            throw new MalformedMessageException("bad string length " + length + " at offset " + offset);
        }
        return length;
    }

    private static boolean isAscii(final String value)
    {
        for (int i = 0, n = value.length(); i < n; i++)
        {
            if (value.charAt(i) >= 0x80)
            {
                return false;
            }
        }
        return true;
    }

    /** A message that does not follow its format: refused as a whole, the same way on every member. */
    static final class MalformedMessageException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(final String message)
        {
            super(message);
        }
    }
}
