package dev.strand.gateway.http;

import dev.strand.engine.api.RecordedEvent;

/**
 * The WebSocket wire bytes of each event, encoded once for every subscriber: the event's JSON (the bytes
 * {@link EventJsonWriter#event} gives) behind a server-to-client text frame header (FIN, no mask, no RSV bit), split
 * into a text frame and continuation frames of at most {@code maxFrameSize} payload bytes each, as Vert.x splits an
 * outbound text message. A server frame is unmasked, so these bytes are the same on every socket and each subscriber
 * copies them into its own outbound buffer: the arrays are never written after {@link #frame} returns them.
 *
 * <p>Confined to the engine's {@code subscriptions} thread, which calls every {@code SubscriptionSink}: no locks. The
 * newest frames are kept in a ring indexed by position; a position names one event forever, so a slot whose position
 * matches holds that event's frame. Subscribers at the same place (the live ones) hit it; one further back than the
 * ring encodes again, which costs time, never correctness.
 */
final class EventFrames
{
    /** Frames kept; a power of two, larger than the hub's per-subscriber delivery budget times a few subscribers. */
    static final int RING_SIZE = 1 << 12;
    private static final byte OPCODE_TEXT = 0x1;
    private static final byte OPCODE_CONTINUATION = 0x0;
    private static final int FIN = 0x80;

    private final int maxFrameSize;
    private final long[] positions = new long[RING_SIZE];
    private final byte[][] frames = new byte[RING_SIZE][];

    /** @param maxFrameSize the largest payload of one outbound frame ({@code --ws-max-frame-size}). */
    EventFrames(final int maxFrameSize)
    {
        this.maxFrameSize = maxFrameSize;
    }

    /** The event's frame bytes; the same array for every subscriber while the event is in the ring. */
    byte[] frame(final RecordedEvent event)
    {
        final long position = event.position();
        final int slot = (int)(position & (RING_SIZE - 1));
        final byte[] cached = frames[slot];
        if (cached != null && positions[slot] == position)
        {
            return cached;
        }
        final byte[] frame = wire(EventJsonWriter.eventBytes(event), maxFrameSize);
        positions[slot] = position;
        frames[slot] = frame;
        return frame;
    }

    /** A text message as one frame, or as a text frame and continuation frames of at most maxFrameSize bytes each. */
    static byte[] wire(final byte[] payload, final int maxFrameSize)
    {
        int size = 0;
        int offset = 0;
        do
        {
            final int length = Math.min(maxFrameSize, payload.length - offset);
            size += headerSize(length) + length;
            offset += length;
        }
        while (offset < payload.length);
        final byte[] out = new byte[size];
        int at = 0;
        offset = 0;
        do
        {
            final int length = Math.min(maxFrameSize, payload.length - offset);
            final boolean last = offset + length == payload.length;
            final int opcode = offset == 0 ? OPCODE_TEXT : OPCODE_CONTINUATION;
            out[at++] = (byte)((last ? FIN : 0) | opcode);
            if (length < 126)
            {
                out[at++] = (byte)length;
            }
            else if (length <= 0xFFFF)
            {
                out[at++] = 126;
                out[at++] = (byte)(length >>> 8);
                out[at++] = (byte)length;
            }
            else
            {
                out[at++] = 127;
                for (int shift = 56; shift >= 0; shift -= 8)
                {
                    out[at++] = (byte)((long)length >>> shift);
                }
            }
            System.arraycopy(payload, offset, out, at, length);
            at += length;
            offset += length;
        }
        while (offset < payload.length);
        return out;
    }

    private static int headerSize(final int length)
    {
        return length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    }
}
