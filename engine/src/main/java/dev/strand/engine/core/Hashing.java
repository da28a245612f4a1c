package dev.strand.engine.core;

import org.agrona.DirectBuffer;

/** 64-bit hashing for state hashes: FNV-1a over bytes, finished with a 64-bit mixer. Deterministic everywhere. */
final class Hashing
{
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hashing()
    {
    }

    static long mix(final long value)
    {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** FNV-1a over the string's UTF-16 chars, mixed; stable across runs (the idempotency window persists it). */
    static long hash(final String value)
    {
        if (value == null)
        {
            return 0;
        }
        long h = FNV_OFFSET;
        for (int i = 0; i < value.length(); i++)
        {
            h = (h ^ value.charAt(i)) * FNV_PRIME;
        }
        return mix(h);
    }

    static long hash(final DirectBuffer buffer, final int length)
    {
        long h = FNV_OFFSET;
        for (int i = 0; i < length; i++)
        {
            h = (h ^ (buffer.getByte(i) & 0xFF)) * FNV_PRIME;
        }
        return mix(h);
    }

    static long hash(final byte[] bytes)
    {
        long h = FNV_OFFSET;
        for (final byte b : bytes)
        {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return mix(h);
    }
}
