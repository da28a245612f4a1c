package dev.strand.engine.core;

import org.agrona.collections.Long2LongHashMap;

import java.util.function.LongBinaryOperator;

/**
 * The last {@code capacity} accepted commands: a 64-bit hash of each command id, the position of the command's
 * first event (a command's events are contiguous, so its result can be read back from the journal, which also
 * holds the id itself) and the command's fingerprint (a hash of what it asked, so a reuse of the id for another
 * command is told from a repeat). FIFO eviction: the oldest leaves when a new one arrives at capacity.
 * Single-threaded.
 *
 * <p>Why hashes and primitive arrays, not the id strings: the first build kept a million {@code String} keys in
 * reference arrays that change on every command; every young collection then had to scan those old-generation arrays
 * for references to young strings, and the engine's P99 at 100,000 commands/s went from about 2 ms to over 100 ms,
 * throughput from about 0.8M to 0.2M commands/s. Primitive arrays hold no references, so the collector never scans
 * them. Memory per entry: a key and a value slot in the map at load factor 0.65 (about 25 bytes) and three longs in
 * the FIFO's arrays (hash, first position, fingerprint: 24 bytes): about 49 bytes, 49 MB for the default million
 * (33 bytes before fingerprints). All of it is allocated up front, so remembering never grows the heap.
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
    private final Long2LongHashMap slotByHash;
    private final long[] hashes;
    private final long[] firstPositions;
    private final long[] fingerprints;
    private int head;
    private int size;

    IdempotencyWindow(final int capacity)
    {
        this.capacity = capacity;
        // Sized for the full window up front: growing a million-entry map rehashes it on the writer thread.
        final int slots = Math.max(16, (int)Math.min(1L << 30, (long)(capacity / 0.65f) + 1));
        this.slotByHash = new Long2LongHashMap(capacity == 0 ? 16 : slots, 0.65f, MISSING);
        final int length = Math.max(capacity, 1);
        this.hashes = new long[length];
        this.firstPositions = new long[length];
        this.fingerprints = new long[length];
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

    int capacity()
    {
        return capacity;
    }

    /** @return the first position remembered for this hash (a candidate to confirm), or {@link #MISSING}. */
    long firstPosition(final long commandHash)
    {
        if (capacity == 0)
        {
            return MISSING;
        }
        final long slot = slotByHash.get(commandHash);
        return slot == MISSING ? MISSING : firstPositions[(int)slot];
    }

    /** @return the fingerprint remembered for this hash, 0 when unknown (journal format 1) or not remembered. */
    long fingerprint(final long commandHash)
    {
        if (capacity == 0)
        {
            return 0;
        }
        final long slot = slotByHash.get(commandHash);
        return slot == MISSING ? 0 : fingerprints[(int)slot];
    }

    /**
     * Remembers a command; a hash already present (the same command's later event, or a collision) is kept as is.
     *
     * @param fingerprint the command's fingerprint, 0 when unknown.
     */
    void remember(final long commandHash, final long firstPosition, final long fingerprint)
    {
        if (capacity == 0 || slotByHash.containsKey(commandHash))
        {
            return;
        }
        final int slot;
        if (size == capacity)
        {
            slot = head;
            slotByHash.remove(hashes[slot]);
            head = (head + 1) % capacity;
        }
        else
        {
            slot = (head + size) % capacity;
            size++;
        }
        hashes[slot] = commandHash;
        firstPositions[slot] = firstPosition;
        fingerprints[slot] = fingerprint;
        slotByHash.put(commandHash, slot);
    }

    /** Forgets every entry. */
    void clear()
    {
        slotByHash.clear();
        head = 0;
        size = 0;
    }

    /**
     * Folds the entries oldest first: hash, first position, and the fingerprint when known, through the operator (a
     * state recovered from a journal without fingerprints hashes as it did before they existed).
     */
    long fold(final long seed, final LongBinaryOperator step)
    {
        long acc = seed;
        for (int i = 0; i < size; i++)
        {
            final int slot = (head + i) % capacity;
            acc = step.applyAsLong(acc, hashes[slot]);
            acc = step.applyAsLong(acc, firstPositions[slot]);
            if (fingerprints[slot] != 0)
            {
                acc = step.applyAsLong(acc, fingerprints[slot]);
            }
        }
        return acc;
    }

    /** Remembers this window's entries in {@code target}, oldest first (so its eviction order is the same). */
    void copyTo(final IdempotencyWindow target)
    {
        for (int i = 0; i < size; i++)
        {
            final int slot = (head + i) % capacity;
            target.remember(hashes[slot], firstPositions[slot], fingerprints[slot]);
        }
    }

    /** Visits entries oldest first. */
    void forEach(final EntryVisitor visitor) throws java.io.IOException
    {
        for (int i = 0; i < size; i++)
        {
            final int slot = (head + i) % capacity;
            visitor.visit(hashes[slot], firstPositions[slot], fingerprints[slot]);
        }
    }

    /** Receives one window entry. */
    @FunctionalInterface
    interface EntryVisitor
    {
        void visit(long commandHash, long firstPosition, long fingerprint) throws java.io.IOException;
    }
}
