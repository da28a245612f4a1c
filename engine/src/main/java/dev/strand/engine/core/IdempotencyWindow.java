package dev.strand.engine.core;

import org.agrona.collections.Long2LongHashMap;

import java.util.function.LongBinaryOperator;

/**
 * The last {@code capacity} accepted commands: a 64-bit hash of each command id and the position of the command's
 * first event (a command's events are contiguous, so its result can be read back from the journal, which also
 * holds the id itself). FIFO eviction: the oldest leaves when a new one arrives at capacity. Single-threaded.
 *
 * <p>Why hashes and primitive arrays, not the id strings: the first build kept a million {@code String} keys in
 * reference arrays that change on every command; every young collection then had to scan those old-generation arrays
 * for references to young strings, and the engine's P99 at 100,000 commands/s went from about 2 ms to over 100 ms,
 * throughput from about 0.8M to 0.2M commands/s. Primitive arrays hold no references, so the collector never scans
 * them. Memory per entry: a key and a value slot in the map at load factor 0.65 (about 25 bytes) and a slot in the
 * FIFO ring (8 bytes): about 33 bytes, 33 MB for the default million.
 *
 * <p>A hash match is only a candidate: the writer confirms it by reading the command id of the event at that
 * position from the journal. Two different ids with the same hash (about one chance in 10^13 per command with a
 * full window, or an id crafted to collide) cannot make a new command look like a replay; the newer one is simply
 * not remembered, so its own repeats would execute again.
 */
final class IdempotencyWindow
{
    static final long MISSING = -1;

    private final int capacity;
    private final Long2LongHashMap firstPositionByHash;
    private final long[] fifo;
    private int head;
    private int size;

    IdempotencyWindow(final int capacity)
    {
        this.capacity = capacity;
        // Sized for the full window up front: growing a million-entry map rehashes it on the writer thread.
        final int slots = Math.max(16, (int)Math.min(1L << 30, (long)(capacity / 0.65f) + 1));
        this.firstPositionByHash = new Long2LongHashMap(capacity == 0 ? 16 : slots, 0.65f, MISSING);
        this.fifo = new long[Math.max(capacity, 1)];
    }

    /** The stable 64-bit hash of a command id ({@link Hashing#hash(String)}), stored in snapshots. */
    static long hash(final String commandId)
    {
        return Hashing.hash(commandId);
    }

    int size()
    {
        return size;
    }

    /** @return the first position remembered for this hash (a candidate to confirm), or {@link #MISSING}. */
    long firstPosition(final long commandHash)
    {
        return capacity == 0 ? MISSING : firstPositionByHash.get(commandHash);
    }

    /** Remembers a command; a hash already present (the same command's later event, or a collision) is kept as is. */
    void remember(final long commandHash, final long firstPosition)
    {
        if (capacity == 0)
        {
            return;
        }
        final long existing = firstPositionByHash.put(commandHash, firstPosition);
        if (existing != MISSING)
        {
            firstPositionByHash.put(commandHash, existing);
            return;
        }
        if (size == capacity)
        {
            firstPositionByHash.remove(fifo[head]);
            fifo[head] = commandHash;
            head = (head + 1) % capacity;
        }
        else
        {
            fifo[(head + size) % capacity] = commandHash;
            size++;
        }
    }

    /** Forgets every entry. */
    void clear()
    {
        firstPositionByHash.clear();
        head = 0;
        size = 0;
    }

    /** Folds the entries oldest first: {@code acc = f(acc, hash) then f(acc, first)} style via the operator. */
    long fold(final long seed, final LongBinaryOperator step)
    {
        long acc = seed;
        for (int i = 0; i < size; i++)
        {
            final long h = fifo[(head + i) % capacity];
            acc = step.applyAsLong(acc, h);
            acc = step.applyAsLong(acc, firstPositionByHash.get(h));
        }
        return acc;
    }

    /** Remembers this window's entries in {@code target}, oldest first (so its eviction order is the same). */
    void copyTo(final IdempotencyWindow target)
    {
        for (int i = 0; i < size; i++)
        {
            final long h = fifo[(head + i) % capacity];
            target.remember(h, firstPositionByHash.get(h));
        }
    }

    /** Visits entries oldest first. */
    void forEach(final EntryVisitor visitor) throws java.io.IOException
    {
        for (int i = 0; i < size; i++)
        {
            final long h = fifo[(head + i) % capacity];
            visitor.visit(h, firstPositionByHash.get(h));
        }
    }

    /** Receives one window entry. */
    @FunctionalInterface
    interface EntryVisitor
    {
        void visit(long commandHash, long firstPosition) throws java.io.IOException;
    }
}
