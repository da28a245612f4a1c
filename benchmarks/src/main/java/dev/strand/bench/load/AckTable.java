package dev.strand.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each journal position was acknowledged to this client: written by the HTTP completion handlers, read by the
 * WebSocket subscribers to compute ack-to-arrival lag. A ring of the last {@code capacity} positions; lock-free
 * (a slot is published by writing its position after its time, and read back position-time-position).
 */
public final class AckTable
{
    /** Positions remembered; at 100,000 events/s this is 20 s of history. */
    public static final int DEFAULT_CAPACITY = 1 << 21;

    private final AtomicLongArray positions;
    private final AtomicLongArray ackNanos;
    private final int mask;

    public AckTable(final int capacity)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        positions = new AtomicLongArray(capacity);
        ackNanos = new AtomicLongArray(capacity);
        mask = capacity - 1;
    }

    /** Positions {@code last - count + 1 .. last} were acknowledged at {@code nanos}. */
    public void acked(final long last, final int count, final long nanos)
    {
        for (long p = last - count + 1; p <= last; p++)
        {
            if (p > 0)
            {
                final int slot = (int)(p & mask);
                positions.set(slot, 0);
                ackNanos.set(slot, nanos);
                positions.set(slot, p);
            }
        }
    }

    /** The ack time of {@code position}, or 0 when it has not been acknowledged (or has left the ring). */
    public long ackNanos(final long position)
    {
        final int slot = (int)(position & mask);
        if (positions.get(slot) != position)
        {
            return 0;
        }
        final long nanos = ackNanos.get(slot);
        return positions.get(slot) == position ? nanos : 0;
    }
}
