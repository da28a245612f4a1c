package dev.strand.gateway;

import dev.strand.config.ConfigException;
import dev.strand.gateway.http.ApiKeys;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.strand.gateway.TestServer.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API keys with roles, 401/403 with nothing journaled, and the WebSocket Origin allow-list. */
@Timeout(60)
class SecurityIT
{
    private static final String READER = "reader-secret";
    private static final String WRITER = "writer-secret";
    private static final String ADMIN = "admin-secret";
    private static final String ORIGIN = "https://app.example";

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir, Map.of(
            "api-keys", "reader:" + ApiKeys.sha256Hex(READER) + ",writer:" + ApiKeys.sha256Hex(WRITER) + ",admin:" + ApiKeys.sha256Hex(ADMIN),
            "ws-allowed-origins", ORIGIN));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static MultiMap bearer(final String key)
    {
        return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + key);
    }

    private static void assertProblem(final HttpResponse<Buffer> response, final int status, final String code)
    {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
    }

    @Test
    void shouldRequireAKeyAndJournalNothingWithoutOne()
    {
        final long before = server.gateway().engine().journalPosition();
        final JsonObject open = envelope("OpenAccount", "sec-1", new JsonObject());
        final HttpResponse<Buffer> none = server.post("/commands", open);
        assertProblem(none, 401, "UNAUTHENTICATED");
        assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertProblem(server.post("/commands", open, bearer("wrong")), 401, "UNAUTHENTICATED");
        assertProblem(server.post("/commands", open, bearer(READER)), 403, "FORBIDDEN");
        assertProblem(server.get("/events"), 401, "UNAUTHENTICATED");
        assertThat(server.gateway().engine().journalPosition()).isEqualTo(before);
    }

    @Test
    void shouldGrantEachRoleWhatItMayDo()
    {
        final JsonObject open = envelope("OpenAccount", "sec-2", new JsonObject());
        assertThat(server.post("/commands", open, bearer(WRITER)).statusCode()).isEqualTo(200);
        final MultiMap apiKeyHeader = MultiMap.caseInsensitiveMultiMap().add("X-Api-Key", READER);
        assertThat(server.get("/aggregates/sec-2?minPosition=1", apiKeyHeader).statusCode()).isEqualTo(200);
        assertThat(server.get("/events", bearer(WRITER)).statusCode()).isEqualTo(200);
        assertThat(server.get("/metrics", bearer(READER)).statusCode()).isEqualTo(200);
        assertProblem(server.get("/admin/snapshots", bearer(WRITER)), 403, "FORBIDDEN");
        assertThat(server.get("/admin/snapshots", bearer(ADMIN)).statusCode()).isEqualTo(200);
        assertThat(server.post("/commands", envelope("Deposit", "sec-2", new JsonObject().put("amount", 1)), bearer(ADMIN))
            .statusCode()).isEqualTo(200);
    }

    @Test
    void shouldLeaveHealthAndTheOpenApiDocumentOpen()
    {
        assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(server.get("/openapi.yaml").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAuthenticateWebSocketUpgradesAndCheckTheOrigin()
    {
        final UpgradeRejectedException noKey = WsClient.refused(server.clientVertx(), server.port(), "/subscribe", null, null);
        assertThat(noKey.getStatus()).isEqualTo(401);
        assertThat(new JsonObject(noKey.getBody()).getString("code")).isEqualTo("UNAUTHENTICATED");

        final UpgradeRejectedException badOrigin = WsClient.refused(
            server.clientVertx(), server.port(), "/subscribe", "https://evil.example", READER);
        assertThat(badOrigin.getStatus()).isEqualTo(403);
        assertThat(new JsonObject(badOrigin.getBody()).getString("code")).isEqualTo("FORBIDDEN");

        try (WsClient ok = WsClient.connect(server.clientVertx(), server.port(), "/subscribe?fromPosition=1", ORIGIN, READER);
             WsClient noOrigin = WsClient.connect(server.clientVertx(), server.port(), "/subscribe", null, READER))
        {
            assertThat(ok.socket().isClosed()).isFalse();
            assertThat(noOrigin.socket().isClosed()).isFalse();
        }
    }

    @Test
    void shouldRefuseToBindANonLoopbackAddressWithoutKeys()
    {
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("host", "0.0.0.0")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("--insecure");
        assertThat(GatewayConfig.of(Map.of("host", "0.0.0.0", "insecure", "true")).insecure()).isTrue();
        assertThat(GatewayConfig.of(Map.of("host", "0.0.0.0", "api-keys", "admin:" + ApiKeys.sha256Hex("k"))).host()).isEqualTo("0.0.0.0");
    }
}
