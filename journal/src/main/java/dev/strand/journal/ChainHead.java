package dev.strand.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The newest link of the hash chain (position and chain hash of the last chained commit), written by the appender
 * thread after each commit and read by any thread. A sequence lock: the writer makes the sequence odd, writes the
 * fields, makes it even again; a reader retries until it read the same even sequence before and after. The writer
 * never waits and allocates nothing.
 */
final class ChainHead
{
    private static final VarHandle SEQUENCE;

    static
    {
        try
        {
            SEQUENCE = MethodHandles.lookup().findVarHandle(ChainHead.class, "sequence", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused") // accessed through SEQUENCE
    private volatile long sequence;
    private long position;
    private long h0;
    private long h1;
    private long h2;
    private long h3;

    /**
     * @param position the last position of the newest chained commit (0 when none).
     * @param hash     its chain hash (32 bytes; {@link ChainHash#GENESIS} when none).
     */
    ChainHead(final long position, final byte[] hash)
    {
        set(position, hash);
    }

    /**
     * Appender thread: a chained commit ending at {@code position} with chain hash {@code hash} was written.
     */
    void set(final long position, final byte[] hash)
    {
        final long s = (long)SEQUENCE.getOpaque(this);
        SEQUENCE.setOpaque(this, s + 1);
        VarHandle.storeStoreFence();
        this.position = position;
        h0 = word(hash, 0);
        h1 = word(hash, 8);
        h2 = word(hash, 16);
        h3 = word(hash, 24);
        SEQUENCE.setRelease(this, s + 2);
    }

    /**
     * Any thread; allocates the copy.
     *
     * @return a consistent copy of the fields.
     */
    Snapshot read()
    {
        final byte[] hash = new byte[ChainHash.LENGTH];
        while (true)
        {
            final long before = (long)SEQUENCE.getAcquire(this);
            final long p = position;
            final long w0 = h0;
            final long w1 = h1;
            final long w2 = h2;
            final long w3 = h3;
            VarHandle.loadLoadFence();
            final long after = (long)SEQUENCE.getOpaque(this);
            if (before == after && (before & 1) == 0)
            {
                put(hash, 0, w0);
                put(hash, 8, w1);
                put(hash, 16, w2);
                put(hash, 24, w3);
                return new Snapshot(p, hash);
            }
            Thread.onSpinWait();
        }
    }

    /**
     * One consistent read.
     *
     * @param position the last position of the newest chained commit (0 when none).
     * @param hash     its chain hash.
     */
    record Snapshot(long position, byte[] hash)
    {
    }

    private static long word(final byte[] bytes, final int at)
    {
        long w = 0;
        for (int i = 0; i < 8; i++)
        {
            w = (w << 8) | (bytes[at + i] & 0xFFL);
        }
        return w;
    }

    private static void put(final byte[] bytes, final int at, final long word)
    {
        for (int i = 0; i < 8; i++)
        {
            bytes[at + i] = (byte)(word >>> (56 - 8 * i));
        }
    }
}
