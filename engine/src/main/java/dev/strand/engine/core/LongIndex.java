package dev.strand.engine.core;

import java.util.Arrays;

/**
 * An append-only list of longs with one writer and any number of readers: the writer stores the element, then
 * publishes the size (a volatile write); a reader reads the size, then the array. Used for an aggregate's
 * version-to-position index in the read model (8 bytes per event).
 */
final class LongIndex
{
    private volatile long[] values = new long[4];
    private volatile int size;

    /** Writer only. */
    void add(final long value)
    {
        long[] array = values;
        final int n = size;
        if (n == array.length)
        {
            array = Arrays.copyOf(array, n * 2);
            values = array;
        }
        array[n] = value;
        size = n + 1;
    }

    int size()
    {
        return size;
    }

    /** @return the element at {@code index}, which must be below a size read earlier. */
    long get(final int index)
    {
        final int n = size;
        if (index >= n)
        {
            throw new IndexOutOfBoundsException(index);
        }
        return values[index];
    }
}
