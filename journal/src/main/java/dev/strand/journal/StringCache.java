package dev.strand.journal;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Decodes short, repeated UTF-8 strings (aggregate and event types) without allocating on a hit: a small
 * direct-mapped table keyed by a hash of the bytes, each slot holding the bytes and the decoded string.
 * Not thread-safe; each reader owns one.
 */
final class StringCache
{
    static final int MAX_CACHED_BYTES = 64;
    private static final int SLOTS = 64;

    private final int[] hashes = new int[SLOTS];
    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];

    /**
     * @return the string for {@code buffer[offset, offset + length)}, from the cache when it is there.
     */
    String get(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > MAX_CACHED_BYTES)
        {
            return decode(buffer, offset, length);
        }
        int hash = 0x811C9DC5;
        for (int i = 0; i < length; i++)
        {
            hash = (hash ^ (buffer.getByte(offset + i) & 0xFF)) * 0x01000193;
        }
        final int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        final byte[] key = keys[slot];
        if (key != null && hashes[slot] == hash && key.length == length && equal(key, buffer, offset))
        {
            return values[slot];
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final String value = new String(bytes, StandardCharsets.UTF_8);
        hashes[slot] = hash;
        keys[slot] = bytes;
        values[slot] = value;
        return value;
    }

    static String decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static boolean equal(final byte[] key, final DirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < key.length; i++)
        {
            if (key[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }
}
