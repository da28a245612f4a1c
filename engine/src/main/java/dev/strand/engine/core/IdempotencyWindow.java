package dev.strand.engine.core;

import org.agrona.collections.Object2LongHashMap;

import java.util.function.ObjLongConsumer;

/**
 * The last {@code capacity} accepted command ids and the position of each one's first event (a command's events
 * are contiguous, so its result can be read back from the journal). FIFO eviction: the oldest id leaves when a new
 * one arrives at capacity. Single-threaded.
 *
 * <p>Memory per entry, measured for 36-character UUID ids on a 64-bit JVM with compressed oops: the String
 * (24 bytes header + 56 bytes for its byte[]), a key and a long slot in the open-addressing map at load factor
 * 0.65 (about 18 bytes), and a slot in the FIFO ring (4 bytes): about 100 bytes, so 100 MB for the default
 * one million.
 */
final class IdempotencyWindow
{
    static final long MISSING = -1;

    private final int capacity;
    private final Object2LongHashMap<String> firstPositionById;
    private final String[] fifo;
    private int head;
    private int size;

    IdempotencyWindow(final int capacity)
    {
        this.capacity = capacity;
        // Sized for the full window up front: growing a million-entry map rehashes it on the writer thread.
        this.firstPositionById = new Object2LongHashMap<>(Math.max(16, (int)Math.min(1L << 30, (long)(capacity / 0.65f) + 1)), 0.65f, MISSING);
        this.fifo = new String[Math.max(capacity, 1)];
    }

    int capacity()
    {
        return capacity;
    }

    int size()
    {
        return size;
    }

    /** @return the first position of the command's events, or {@link #MISSING}. */
    long firstPosition(final String commandId)
    {
        return firstPositionById.getValue(commandId);
    }

    void remember(final String commandId, final long firstPosition)
    {
        if (capacity == 0 || commandId == null)
        {
            return;
        }
        final long existing = firstPositionById.put(commandId, firstPosition);
        if (existing != MISSING)
        {
            firstPositionById.put(commandId, existing);
            return;
        }
        if (size == capacity)
        {
            final String evicted = fifo[head];
            firstPositionById.removeKey(evicted);
            fifo[head] = commandId;
            head = (head + 1) % capacity;
        }
        else
        {
            fifo[(head + size) % capacity] = commandId;
            size++;
        }
    }

    /** Forgets every entry. */
    void clear()
    {
        firstPositionById.clear();
        java.util.Arrays.fill(fifo, null);
        head = 0;
        size = 0;
    }

    /** Visits entries oldest first. */
    void forEach(final ObjLongConsumer<String> visitor)
    {
        for (int i = 0; i < size; i++)
        {
            final String id = fifo[(head + i) % capacity];
            visitor.accept(id, firstPositionById.getValue(id));
        }
    }
}
