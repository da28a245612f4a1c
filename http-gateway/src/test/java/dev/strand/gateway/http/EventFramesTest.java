package dev.strand.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared wire bytes decode, with Netty's own client-side decoder, to the frames Vert.x would have sent. */
class EventFramesTest
{
    private static byte[] payload(final int size)
    {
        final byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = (byte)('a' + i % 26);
        }
        return bytes;
    }

    /** Decodes as a client does: unmasked frames, no extensions. */
    private static List<WebSocketFrame> decode(final byte[] wire)
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, Integer.MAX_VALUE));
        channel.writeInbound(Unpooled.wrappedBuffer(wire));
        final List<WebSocketFrame> frames = new ArrayList<>();
        WebSocketFrame frame;
        while ((frame = channel.readInbound()) != null)
        {
            frames.add(frame);
        }
        channel.finishAndReleaseAll();
        return frames;
    }

    private static byte[] bytes(final ByteBuf buf)
    {
        final byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    @Test
    void shouldEncodeOneFinalTextFrameWithEachLengthForm()
    {
        for (final int size : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
        {
            final byte[] payload = payload(size);
            final List<WebSocketFrame> frames = decode(EventFrames.wire(payload, 1 << 24));
            assertThat(frames).as("frames of a %d-byte message", size).hasSize(1);
            final WebSocketFrame frame = frames.get(0);
            assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
            assertThat(frame.isFinalFragment()).isTrue();
            assertThat(frame.rsv()).isZero();
            assertThat(bytes(frame.content())).isEqualTo(payload);
            frame.release();
        }
    }

    @Test
    void shouldSplitAMessageOverTheFrameSizeIntoContinuationFrames()
    {
        final byte[] payload = payload(300);
        final List<WebSocketFrame> frames = decode(EventFrames.wire(payload, 125));
        assertThat(frames).hasSize(3);
        assertThat(frames.get(0)).isInstanceOf(TextWebSocketFrame.class);
        assertThat(frames.get(1)).isInstanceOf(ContinuationWebSocketFrame.class);
        assertThat(frames.get(2)).isInstanceOf(ContinuationWebSocketFrame.class);
        assertThat(frames.get(0).isFinalFragment()).isFalse();
        assertThat(frames.get(1).isFinalFragment()).isFalse();
        assertThat(frames.get(2).isFinalFragment()).isTrue();
        assertThat(bytes(frames.get(0).content())).isEqualTo(Arrays.copyOfRange(payload, 0, 125));
        assertThat(bytes(frames.get(1).content())).isEqualTo(Arrays.copyOfRange(payload, 125, 250));
        assertThat(bytes(frames.get(2).content())).isEqualTo(Arrays.copyOfRange(payload, 250, 300));
        frames.forEach(WebSocketFrame::release);
    }

    @Test
    void shouldDecodeARunOfFramesCopiedBackToBack()
    {
        final byte[] first = "{\"position\":1}".getBytes(StandardCharsets.UTF_8);
        final byte[] second = payload(70_000);
        final byte[] third = "{\"position\":3,\"x\":\"\u00e9\u20ac\"}".getBytes(StandardCharsets.UTF_8);
        final byte[][] wires = {EventFrames.wire(first, 65_536), EventFrames.wire(second, 65_536), EventFrames.wire(third, 65_536)};
        final byte[] run = new byte[wires[0].length + wires[1].length + wires[2].length];
        int at = 0;
        for (final byte[] w : wires)
        {
            System.arraycopy(w, 0, run, at, w.length);
            at += w.length;
        }
        final List<WebSocketFrame> frames = decode(run);
        assertThat(frames).hasSize(4);
        assertThat(bytes(frames.get(0).content())).isEqualTo(first);
        final byte[] reassembled = new byte[second.length];
        frames.get(1).content().getBytes(0, reassembled, 0, 65_536);
        frames.get(2).content().getBytes(0, reassembled, 65_536, second.length - 65_536);
        assertThat(reassembled).isEqualTo(second);
        assertThat(frames.get(2).isFinalFragment()).isTrue();
        assertThat(((TextWebSocketFrame)frames.get(3)).text()).isEqualTo(new String(third, StandardCharsets.UTF_8));
        frames.forEach(WebSocketFrame::release);
    }
}
