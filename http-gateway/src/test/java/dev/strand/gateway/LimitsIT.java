package dev.strand.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Body, header, connection and time limits, driven over raw sockets where an HTTP client would be too polite. */
@Timeout(90)
class LimitsIT
{
    private static final int BODY_LIMIT = 4096;
    private static final int MAX_CONNECTIONS = 8;

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir, Map.of(
            "body-limit", String.valueOf(BODY_LIMIT),
            "idle-timeout-seconds", "2",
            "request-timeout-ms", "800",
            "max-connections", String.valueOf(MAX_CONNECTIONS),
            "max-header-size", "4096"));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static Socket socket() throws IOException
    {
        final Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads until the server closes or {@code untilText} has arrived. */
    private static String read(final Socket s, final String untilText) throws IOException
    {
        final InputStream in = s.getInputStream();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buf = new byte[8192];
        int n;
        try
        {
            while ((n = in.read(buf)) > 0)
            {
                out.write(buf, 0, n);
                if (untilText != null && out.toString(StandardCharsets.UTF_8).contains(untilText))
                {
                    break;
                }
            }
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no answer; got so far: " + out.toString(StandardCharsets.UTF_8), ex);
        }
        catch (final IOException reset)
        {
            // a reset after the answer counts as closed
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean closedByServer(final Socket s) throws IOException
    {
        try
        {
            return s.getInputStream().read() == -1;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException reset)
        {
            return true;
        }
    }

    private static String bigBody()
    {
        return new JsonObject().put("type", "OpenAccount").put("aggregateId", "big")
            .put("data", new JsonObject().put("owner", "x".repeat(BODY_LIMIT * 2))).encode();
    }

    @Test
    void shouldAnswer413ForABodyOverTheLimitWithContentLength() throws IOException
    {
        try (Socket s = socket())
        {
            final byte[] body = bigBody().getBytes(StandardCharsets.UTF_8);
            final OutputStream out = s.getOutputStream();
            out.write(("POST /commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length +
                "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            final String answer = read(s, "}");
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json").contains("PAYLOAD_TOO_LARGE")
                .contains("limit of " + BODY_LIMIT + " bytes");
        }
        assertThat(server.gateway().engine().aggregate("big")).isEmpty();
    }

    @Test
    void shouldAnswer413ForAChunkedBodyOverTheLimit() throws IOException
    {
        try (Socket s = socket())
        {
            final OutputStream out = s.getOutputStream();
            out.write("POST /commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            final byte[] body = bigBody().getBytes(StandardCharsets.UTF_8);
            try
            {
                for (int off = 0; off < body.length; off += 1000)
                {
                    final int len = Math.min(1000, body.length - off);
                    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, off, len);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            catch (final IOException closedEarly)
            {
                // the server may answer and close before the last chunk
            }
            final String answer = read(s, "}");
            assertThat(answer).startsWith("HTTP/1.1 413").contains("PAYLOAD_TOO_LARGE").contains("limit of " + BODY_LIMIT + " bytes");
        }
    }

    @Test
    void shouldAcceptABodyJustUnderTheLimit()
    {
        final String id = "under-limit";
        // padded with JSON whitespace: a padding field would be UNKNOWN_FIELD
        final String envelope = new JsonObject().put("type", "OpenAccount").put("aggregateId", id)
            .put("data", new JsonObject().put("owner", "limits")).encode();
        final String body = envelope.substring(0, envelope.length() - 1) + " ".repeat(BODY_LIMIT - 10 - envelope.length()) + "}";
        assertThat(body.length()).isLessThan(BODY_LIMIT).isGreaterThan(BODY_LIMIT - 20);
        assertThat(server.post("/commands", "application/json", io.vertx.core.buffer.Buffer.buffer(body)).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer431ForOversizedHeaders() throws IOException
    {
        try (Socket s = socket())
        {
            s.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(8000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            final String answer = read(s, "}");
            assertThat(answer).startsWith("HTTP/1.1 431").contains("application/problem+json").contains("HEADERS_TOO_LARGE");
        }
    }

    @Test
    void shouldCloseASlowlorisConnectionThatNeverFinishesItsHeaders() throws Exception
    {
        try (Socket s = socket())
        {
            s.setSoTimeout(200);
            final OutputStream out = s.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            final long start = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < 15_000_000_000L)
            {
                try
                {
                    out.write("X-a: b\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                catch (final IOException ex)
                {
                    closed = true;
                    break;
                }
                closed = closedByServer(s);
            }
            assertThat(closed).as("slowloris connection closed").isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(10.0);
        }
    }

    @Test
    void shouldCutABodyThatTricklesPastTheRequestTimeout() throws Exception
    {
        try (Socket s = socket())
        {
            final OutputStream out = s.getOutputStream();
            out.write("POST /commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final String answer = read(s, "}");
            assertThat(answer).startsWith("HTTP/1.1 503").contains("REQUEST_TIMEOUT");
        }
    }

    @Test
    void shouldCloseConnectionsBeyondTheMaximum() throws Exception
    {
        final List<Socket> held = new ArrayList<>();
        try
        {
            for (int i = 0; i < MAX_CONNECTIONS + 2; i++)
            {
                final Socket s = socket();
                s.setSoTimeout(1000);
                held.add(s);
            }
            int closed = 0;
            for (final Socket s : held)
            {
                if (closedByServer(s))
                {
                    closed++;
                }
            }
            assertThat(closed).isGreaterThanOrEqualTo(2);
        }
        finally
        {
            for (final Socket s : held)
            {
                s.close();
            }
        }
        // a request on a slot not yet released is closed at accept: the client then fails rather than answers
        TestServer.waitUntil("connections released", 10, () ->
        {
            try
            {
                return server.get("/health/live").statusCode() == 200;
            }
            catch (final RuntimeException | AssertionError closedAtAccept)
            {
                return false;
            }
        });
    }
}
