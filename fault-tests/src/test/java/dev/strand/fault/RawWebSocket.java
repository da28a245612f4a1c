package dev.strand.fault;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a bare socket, for subscribers that misbehave: it does the handshake, then reads only when
 * told to (a stuck subscriber never reads, and a tiny receive buffer makes the server's writes back up at once).
 */
final class RawWebSocket implements AutoCloseable
{
    /** One frame from the server: opcode and payload. */
    record Frame(int opcode, byte[] payload)
    {
        String text()
        {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode()
        {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        String closeReason()
        {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    final String handshake;

    private RawWebSocket(final Socket socket, final DataInputStream in, final String handshake)
    {
        this.socket = socket;
        this.in = in;
        this.handshake = handshake;
    }

    static RawWebSocket connect(final int port, final String path, final int receiveBuffer, final String... headers)
    {
        try
        {
            final Socket socket = new Socket();
            if (receiveBuffer > 0)
            {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            final StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port +
                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                "Sec-WebSocket-Version: 13\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2)
            {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            final InputStream raw = socket.getInputStream();
            final ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4)
            {
                final int b = raw.read();
                if (b < 0)
                {
                    break;
                }
                head.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            }
            return new RawWebSocket(socket, new DataInputStream(raw), head.toString(StandardCharsets.ISO_8859_1));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    boolean upgraded()
    {
        return handshake.startsWith("HTTP/1.1 101");
    }

    /** The next frame, or null when the server closed the connection (or nothing came in the timeout). */
    Frame next(final int timeoutMillis)
    {
        try
        {
            socket.setSoTimeout(timeoutMillis);
            final int b0 = in.readUnsignedByte();
            final int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126)
            {
                length = in.readUnsignedShort();
            }
            else if (length == 127)
            {
                length = in.readLong();
            }
            final byte[] payload = new byte[(int)length];
            in.readFully(payload);
            return new Frame(b0 & 0x0F, payload);
        }
        catch (final SocketTimeoutException | EOFException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            // closing
        }
    }
}
