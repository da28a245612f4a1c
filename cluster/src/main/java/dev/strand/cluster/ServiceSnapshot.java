package dev.strand.cluster;

import dev.strand.engine.core.EngineState;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.logbuffer.ControlledFragmentHandler;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static dev.strand.cluster.WireBuffers.ORDER;

/**
 * The service's part of a cluster snapshot, written to the snapshot publication in {@code onTakeSnapshot} and read
 * from the snapshot image in {@code onStart}: the engine state ({@link EngineState#writeSnapshot}: aggregates,
 * idempotency window, journal position) with a header and a checksum.
 *
 * <pre>
 * begin:  type u8 (1) | magic i32 | format version i32 (1) | journal position i64 | state hash i64 | body length i64
 * body:   type u8 (2) | bytes               (as many as needed, each at most one publication payload)
 * end:    type u8 (3) | CRC32C of the body i64
 * </pre>
 *
 * The state hash is recomputed after loading and must match: a snapshot that does not load back the state it was
 * taken from is refused.
 */
final class ServiceSnapshot
{
    static final int MAGIC = 0x53545243;
    static final int FORMAT_VERSION = 1;
    private static final byte BEGIN = 1;
    private static final byte BODY = 2;
    private static final byte END = 3;
    private static final long OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long LOAD_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private ServiceSnapshot()
    {
    }

    static void write(final ExclusivePublication publication, final EngineState state, final IdleStrategy idle)
        throws IOException
    {
        final ExpandableArrayBuffer body = new ExpandableArrayBuffer(1 << 16);
        final int[] length = {0};
        try (DataOutputStream out = new DataOutputStream(new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                body.putByte(length[0]++, (byte)b);
            }

            @Override
            public void write(final byte[] bytes, final int offset, final int count)
            {
                body.putBytes(length[0], bytes, offset, count);
                length[0] += count;
            }
        }))
        {
            state.writeSnapshot(out);
        }
        final CRC32C crc = new CRC32C();
        crc.update(body.byteArray(), 0, length[0]);

        final UnsafeBuffer message = new UnsafeBuffer(new byte[publication.maxPayloadLength()]);
        message.putByte(0, BEGIN);
        message.putInt(1, MAGIC, ORDER);
        message.putInt(5, FORMAT_VERSION, ORDER);
        message.putLong(9, state.position(), ORDER);
        message.putLong(17, state.hash(), ORDER);
        message.putLong(25, length[0], ORDER);
        offer(publication, message, 33, idle);
        final int chunk = publication.maxPayloadLength() - 1;
        for (int at = 0; at < length[0]; at += chunk)
        {
            final int n = Math.min(chunk, length[0] - at);
            message.putByte(0, BODY);
            message.putBytes(1, body, at, n);
            offer(publication, message, 1 + n, idle);
        }
        message.putByte(0, END);
        message.putLong(1, crc.getValue(), ORDER);
        offer(publication, message, 9, idle);
    }

    /** Bounded: a snapshot that cannot be written within the timeout fails (and stops the service) rather than hang. */
    private static void offer(final ExclusivePublication publication, final UnsafeBuffer message, final int length,
        final IdleStrategy idle)
    {
        final long deadline = System.nanoTime() + OFFER_TIMEOUT_NS;
        idle.reset();
        while (true)
        {
            final long result = publication.offer(message, 0, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("snapshot publication refused the snapshot: " + result);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("snapshot publication stayed unavailable (" + result + ") for " +
                    TimeUnit.NANOSECONDS.toSeconds(OFFER_TIMEOUT_NS) + " s");
            }
            idle.idle();
        }
    }

    /**
     * Loads a snapshot into {@code state} (empty).
     *
     * @return the journal position of the snapshot.
     */
    static long load(final Image image, final EngineState state, final IdleStrategy idle)
    {
        final Loader loader = new Loader();
        final io.aeron.ControlledFragmentAssembler assembler = new io.aeron.ControlledFragmentAssembler(loader);
        final long deadline = System.nanoTime() + LOAD_TIMEOUT_NS;
        idle.reset();
        while (!loader.done)
        {
            final int fragments = image.controlledPoll(assembler, 64);
            if (loader.failure != null)
            {
                throw new IllegalStateException("cluster snapshot unreadable: " + loader.failure);
            }
            if (fragments == 0)
            {
                if (image.isEndOfStream() || image.isClosed())
                {
                    throw new IllegalStateException("cluster snapshot ended before its end marker");
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("cluster snapshot not loaded within " +
                        TimeUnit.NANOSECONDS.toSeconds(LOAD_TIMEOUT_NS) + " s");
                }
            }
            idle.idle(fragments);
        }
        final CRC32C crc = new CRC32C();
        crc.update(loader.body.byteArray(), 0, loader.length);
        if (crc.getValue() != loader.crc)
        {
            throw new IllegalStateException("cluster snapshot checksum mismatch");
        }
        try
        {
            state.readSnapshot(loader.position, new DataInputStream(
                new ByteArrayInputStream(loader.body.byteArray(), 0, loader.length)));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cluster snapshot unreadable: " + ex.getMessage(), ex);
        }
        if (state.hash() != loader.hash)
        {
            throw new IllegalStateException("cluster snapshot at journal position " + loader.position +
                " loads a state whose hash differs from the one it was taken from");
        }
        return loader.position;
    }

    /** Stops at its own end marker: what follows in the image is Aeron's (its end-of-snapshot marker). */
    private static final class Loader implements ControlledFragmentHandler
    {
        final ExpandableArrayBuffer body = new ExpandableArrayBuffer(1 << 16);
        int length;
        long expectedLength = -1;
        long position;
        long hash;
        long crc;
        boolean done;
        String failure;

        @Override
        public Action onFragment(final org.agrona.DirectBuffer buffer, final int offset, final int len,
            final io.aeron.logbuffer.Header header)
        {
            if (done || failure != null)
            {
                return Action.ABORT;
            }
            final byte type = buffer.getByte(offset);
            if (type == BEGIN)
            {
                if (len < 33 || buffer.getInt(offset + 1, ORDER) != MAGIC)
                {
                    failure = "not a Strand service snapshot";
                    return Action.BREAK;
                }
                final int version = buffer.getInt(offset + 5, ORDER);
                if (version != FORMAT_VERSION)
                {
                    failure = "unknown snapshot format version " + version + " (this build reads " + FORMAT_VERSION + ")";
                    return Action.BREAK;
                }
                position = buffer.getLong(offset + 9, ORDER);
                hash = buffer.getLong(offset + 17, ORDER);
                expectedLength = buffer.getLong(offset + 25, ORDER);
            }
            else if (type == BODY && expectedLength >= 0)
            {
                body.putBytes(length, buffer, offset + 1, len - 1);
                length += len - 1;
            }
            else if (type == END && expectedLength >= 0)
            {
                if (length != expectedLength)
                {
                    failure = "body of " + length + " bytes, header says " + expectedLength;
                    return Action.BREAK;
                }
                crc = buffer.getLong(offset + 1, ORDER);
                done = true;
                return Action.BREAK;
            }
            else
            {
                failure = "unexpected snapshot message type " + type;
                return Action.BREAK;
            }
            return Action.CONTINUE;
        }
    }
}
