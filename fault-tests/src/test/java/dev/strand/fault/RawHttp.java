package dev.strand.fault;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a bare socket: sends exactly the bytes given (bad UTF-8, a lying or missing Content-Length, broken
 * chunking, oversize heads) and reads one response (by Content-Length, chunked, or to the end of the stream).
 * A server that answers early and closes while the request is still being sent is fine: the answer is still read.
 */
final class RawHttp
{
    private RawHttp()
    {
    }

    /** One response; {@code status} -1 when the server closed without answering. */
    record Response(int status, Map<String, String> headers, String body)
    {
        String contentType()
        {
            return headers.get("content-type");
        }

        boolean isProblem()
        {
            return contentType() != null && contentType().startsWith("application/problem+json");
        }

        String code()
        {
            try
            {
                return isProblem() ? new JsonObject(body).getString("code") : null;
            }
            catch (final RuntimeException ex)
            {
                return "UNPARSEABLE";
            }
        }

        @Override
        public String toString()
        {
            return status + " " + headers.get("content-type") + " " + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
        }
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts)
        {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A request with a body and a correct Content-Length (headers as "Name: value" lines). */
    static byte[] request(final String method, final String path, final byte[] body, final String... headers)
    {
        final StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (final String h : headers)
        {
            head.append(h).append("\r\n");
        }
        if (body != null)
        {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        return body == null ? bytes(head.toString()) : concat(bytes(head.toString()), body);
    }

    static Response exchange(final int port, final byte[] request)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000);
            try
            {
                final OutputStream out = socket.getOutputStream();
                for (int at = 0; at < request.length; at += 64 * 1024)
                {
                    out.write(request, at, Math.min(64 * 1024, request.length - at));
                }
                out.flush();
            }
            catch (final IOException cutShort)
            {
                // the server answered and closed before the whole request was sent: read its answer
            }
            return read(socket.getInputStream());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static Response read(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        try
        {
            while (matched < 4)
            {
                final int b = in.read();
                if (b < 0)
                {
                    break;
                }
                head.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            }
        }
        catch (final SocketTimeoutException | java.net.SocketException ex)
        {
            // no (complete) answer
        }
        final String text = head.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 ") && !text.startsWith("HTTP/1.0 "))
        {
            return new Response(-1, Map.of(), text);
        }
        final String[] lines = text.split("\r\n");
        final int status = Integer.parseInt(lines[0].substring(9, 12));
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++)
        {
            final int colon = lines[i].indexOf(':');
            if (colon > 0)
            {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        try
        {
            if (headers.containsKey("content-length"))
            {
                body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            }
            else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding")))
            {
                while (true)
                {
                    final String size = line(in);
                    final int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0)
                    {
                        line(in);
                        break;
                    }
                    body.writeBytes(in.readNBytes(n));
                    line(in);
                }
            }
            else if (status != 101 && status != 204 && status != 304)
            {
                body.writeBytes(in.readAllBytes());
            }
        }
        catch (final SocketTimeoutException | java.net.SocketException ex)
        {
            // partial body
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = -1;
        while (true)
        {
            final int b = in.read();
            if (b < 0 || (prev == '\r' && b == '\n'))
            {
                break;
            }
            if (prev >= 0)
            {
                out.write(prev);
            }
            prev = b;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
