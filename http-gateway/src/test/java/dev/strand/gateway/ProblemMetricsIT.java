package dev.strand.gateway;

import dev.strand.gateway.http.ApiKeys;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static dev.strand.gateway.TestServer.envelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strand_http_problems_total{status,code}}: every problem answer counted once by status and code, whichever
 * thread path wrote it (a route, the auth handler, the request-timeout sweep), per gateway even with two in one JVM;
 * the codes alerts read exist at 0 before anything happened.
 */
@Timeout(120)
class ProblemMetricsIT
{
    private static final String READER = "reader-key";
    private static final String WRITER = "writer-key";

    private static String series(final int status, final String code)
    {
        return "strand_http_problems_total{code=\"" + code + "\",status=\"" + status + "\"}";
    }

    private static MultiMap bearer(final String key)
    {
        return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + key);
    }

    private static Scrape scrape(final TestServer server)
    {
        return Scrape.of(TestServer.expectOk200Text(server.get("/metrics", bearer(READER))));
    }

    @Test
    void shouldCountEachProblemAnswerByStatusAndCodeInItsOwnGateway(@TempDir final Path a, @TempDir final Path b) throws Exception
    {
        final Map<String, String> flags = Map.of(
            "api-keys", "reader:" + ApiKeys.sha256Hex(READER) + ",writer:" + ApiKeys.sha256Hex(WRITER),
            "request-timeout-ms", "300");
        try (TestServer server = TestServer.start(a, flags); TestServer other = TestServer.start(b, flags))
        {
            final Scrape before = scrape(server);
            assertThat(before.value(series(401, "UNAUTHENTICATED"))).isZero();
            assertThat(before.value(series(403, "FORBIDDEN"))).isZero();
            for (final String code : new String[] {"OVERLOADED", "HALTED", "CAPACITY_EXHAUSTED", "REQUEST_TIMEOUT", "SHUTTING_DOWN", "NOT_READY"})
            {
                assertThat(before.value(series(503, code))).as(code).isZero();
            }
            assertThat(before.value(series(422, "IDEMPOTENCY_KEY_REUSED"))).isZero();
            assertThat(before.has(series(503, "NO_LEADER"))).as("cluster codes are registered on cluster members only").isFalse();

            final JsonObject open = envelope("OpenAccount", "pm-1", new JsonObject().put("owner", "Ann"));
            assertThat(server.post("/commands", open).statusCode()).isEqualTo(401);
            assertThat(server.post("/commands", open, bearer("not-a-key")).statusCode()).isEqualTo(401);
            assertThat(server.post("/commands", open, bearer(READER)).statusCode()).isEqualTo(403);
            assertThat(server.post("/commands", open, bearer(WRITER)).statusCode()).isEqualTo(200);
            final JsonObject reused = open.copy().put("data", new JsonObject().put("owner", "Bob"));
            assertThat(server.post("/commands", reused, bearer(WRITER)).statusCode()).isEqualTo(422);
            final JsonObject withdraw = envelope("Withdraw", "pm-1", new JsonObject().put("amount", 1_000));
            assertThat(server.post("/commands", withdraw, bearer(WRITER)).statusCode()).isEqualTo(422);
            assertThat(server.get("/nowhere", bearer(READER)).statusCode()).isEqualTo(404);
            assertThat(unansweredBody(server.port())).startsWith("HTTP/1.1 503").contains("REQUEST_TIMEOUT");

            final Scrape after = scrape(server);
            assertThat(after.value(series(401, "UNAUTHENTICATED"))).isEqualTo(2);
            assertThat(after.value(series(403, "FORBIDDEN"))).isEqualTo(1);
            assertThat(after.value(series(422, "IDEMPOTENCY_KEY_REUSED"))).isEqualTo(1);
            assertThat(after.value(series(422, "INSUFFICIENT_FUNDS"))).isEqualTo(1);
            assertThat(after.value(series(404, "NOT_FOUND"))).isEqualTo(1);
            assertThat(after.value(series(503, "REQUEST_TIMEOUT"))).as("written by the sweep timer").isEqualTo(1);
            assertThat(after.value("vertx_http_server_requests_total{code=\"401\",method=\"POST\"}"))
                .as("Vert.x counts the same refusals by status").isEqualTo(2);

            final Scrape untouched = scrape(other);
            assertThat(untouched.value(series(401, "UNAUTHENTICATED"))).as("the other gateway's counters").isZero();
            assertThat(untouched.has(series(404, "NOT_FOUND"))).isFalse();
        }
    }

    /** A POST whose body never arrives: the request-timeout sweep answers it. */
    private static String unansweredBody(final int port) throws Exception
    {
        try (Socket s = new Socket("127.0.0.1", port))
        {
            s.setSoTimeout(10_000);
            final OutputStream out = s.getOutputStream();
            out.write(("POST /commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + WRITER +
                "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = s.getInputStream();
            final StringBuilder answer = new StringBuilder();
            final byte[] buf = new byte[4096];
            int n;
            while (answer.indexOf("}") < 0 && (n = in.read(buf)) > 0)
            {
                answer.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            return answer.toString();
        }
    }
}
