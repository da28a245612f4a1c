package dev.strand.gateway;

import dev.strand.gateway.http.ApiKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server's side of the console (the browser drives the page itself in http-gateway/src/test/browser, run by
 * .ci/run): the files come from the jar and reference nothing elsewhere, {@code /stats} has what the charts read, a
 * page of this server may subscribe (same origin), and a browser's WebSocket, which cannot set headers, presents its
 * key as a subprotocol.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleIT
{
    private static final String KEY = "console-it-key";

    @TempDir
    Path dir;

    private Vertx vertx;

    @BeforeEach
    void vertx()
    {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close()
    {
        vertx.close().await();
    }

    @Test
    void shouldServeTheConsoleFromTheJarReferencingNothingElsewhereAndTheStatsItCharts()
    {
        try (TestServer server = TestServer.start(dir.resolve("data")))
        {
            final HttpResponse<Buffer> redirect = TestServer.await(server.client().get("/console").followRedirects(false).send());
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.getHeader("Location")).isEqualTo("/console/");
            for (final String file : List.of("/console/", "/console/console.js", "/console/console.css"))
            {
                final HttpResponse<Buffer> r = server.get(file);
                assertThat(r.statusCode()).as(file).isEqualTo(200);
                assertThat(r.bodyAsString()).as("%s loads nothing from elsewhere", file)
                    .doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
            }
            assertThat(server.get("/console/missing.js").statusCode()).isEqualTo(404);

            server.open("acc-1");
            server.deposit("acc-1", 5);
            final JsonObject stats = TestServer.expectOk(server.get("/stats"));
            assertThat(stats.getLong("commandsAccepted")).isEqualTo(2);
            assertThat(stats.getLong("journalPosition")).isEqualTo(2);
            assertThat(stats.getJsonObject("appendLatencyMicros").fieldNames()).contains("p50", "p99", "p999", "max", "count");
            assertThat(stats.getString("state")).isEqualTo("RUNNING");
            assertThat(stats.getString("role")).isEqualTo("leader");

            // the page's own origin may subscribe although --ws-allowed-origins lists nothing; another origin may not
            final String own = "http://127.0.0.1:" + server.port();
            try (WsClient ws = WsClient.connect(vertx, server.port(), "/subscribe?fromPosition=1", own, null))
            {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> ws.events.size() == 2);
            }
            assertThat(WsClient.refused(vertx, server.port(), "/subscribe?fromPosition=1", "http://evil.example", null)
                .getStatus()).isEqualTo(403);
        }
    }

    @Test
    void shouldTakeABrowsersKeyFromItsWebSocketSubprotocolAndAnswerWithTheConsolesOwn() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of("api-keys", "reader:" + ApiKeys.sha256Hex(KEY))))
        {
            assertThat(server.get("/stats").statusCode()).isEqualTo(401);
            assertThat(server.get("/console/").statusCode()).as("the files hold no data").isEqualTo(200);

            final WebSocketClient client = vertx.createWebSocketClient();
            final String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));
            final var socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
                .setURI("/subscribe?fromPosition=1").setAllowOriginHeader(false)
                .setSubProtocols(List.of("strand.v1", "strand.key." + encoded))).await(10, TimeUnit.SECONDS);
            assertThat(socket.subProtocol()).isEqualTo("strand.v1");
            socket.close().await();

            final String wrong = Base64.getUrlEncoder().withoutPadding().encodeToString("nope".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
                .setURI("/subscribe?fromPosition=1").setAllowOriginHeader(false)
                .setSubProtocols(List.of("strand.v1", "strand.key." + wrong))).await(10, TimeUnit.SECONDS))
                .hasMessageContaining("401");
            client.close().await();
        }
    }
}
