package dev.strand.gateway;

import dev.strand.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS on the gateway ({@code --tls-cert}, {@code --tls-key}, PEM): a certificate for 127.0.0.1 made here with
 * openssl, a server that speaks only HTTPS, a client that verifies the certificate and the host, and one that does not
 * trust it and is refused; subscription frames over WSS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsIT
{
    @TempDir
    Path dir;

    private Vertx vertx;

    @BeforeEach
    void certificate() throws Exception
    {
        final Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=strand-test",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(),
            "-out", dir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        final String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close()
    {
        vertx.close().await();
    }

    private WebClient client(final int port, final boolean trust)
    {
        final WebClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
            .setSsl(true).setVerifyHost(true).setConnectTimeout(5000);
        if (trust)
        {
            options.setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("cert.pem").toString()));
        }
        return WebClient.create(vertx, options);
    }

    @Test
    void shouldServeHttpsToAClientThatVerifiesTheCertificateAndRefuseOneThatDoesNotTrustIt() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of(
            "tls-cert", dir.resolve("cert.pem").toString(), "tls-key", dir.resolve("key.pem").toString())))
        {
            final WebClient trusting = client(server.port(), true);
            final HttpResponse<Buffer> ready = trusting.get("/health/ready").send().await();
            assertThat(ready.statusCode()).isEqualTo(200);
            final HttpResponse<Buffer> accepted = trusting.post("/commands").putHeader("Content-Type", "application/json")
                .sendBuffer(TestServer.envelope("OpenAccount", "acc-tls", new JsonObject().put("owner", "ann")).toBuffer())
                .await();
            assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);

            assertThatThrownBy(() -> client(server.port(), false).get("/health/ready").send().await())
                .as("a client that does not trust the certificate gets no answer")
                .hasStackTraceContaining("PKIX");
            final WebClient plain = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(server.port()).setConnectTimeout(5000).setIdleTimeout(5));
            assertThatThrownBy(() -> plain.get("/health/ready").send().await())
                .as("plain HTTP on the TLS port gets no answer");
        }
    }

    /** Subscription frames go below the WebSocket encoder, so they must still pass the TLS handler (and deflate's). */
    @Test
    void shouldDeliverSubscriptionFramesOverWssWithCompressionOffered()
    {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of(
            "tls-cert", dir.resolve("cert.pem").toString(), "tls-key", dir.resolve("key.pem").toString())))
        {
            final WebClient trusting = client(server.port(), true);
            final JsonArray commands = new JsonArray().add(TestServer.envelope("OpenAccount", "acc-wss", new JsonObject()));
            for (int i = 0; i < 500; i++)
            {
                commands.add(TestServer.envelope("Deposit", "acc-wss", new JsonObject().put("amount", 1)));
            }
            final HttpResponse<Buffer> batch = trusting.post("/commands/batch").putHeader("Content-Type", "application/json")
                .sendBuffer(new JsonObject().put("commands", commands).toBuffer()).await();
            assertThat(batch.statusCode()).as(batch.bodyAsString()).isEqualTo(200);

            final List<Long> positions = new CopyOnWriteArrayList<>();
            final WebSocketClient wss = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("cert.pem").toString()))
                .setTryUsePerMessageCompression(true));
            final ClientWebSocket socket = wss.webSocket();
            socket.textMessageHandler(text -> positions.add(new JsonObject(text).getLong("position")));
            socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
                .setURI("/subscribe?fromPosition=1").setAllowOriginHeader(false)).await();
            TestServer.waitUntil("all 501 events over wss", 30, () -> positions.size() >= 501);
            assertThat(positions).hasSize(501);
            for (int i = 0; i < positions.size(); i++)
            {
                assertThat(positions.get(i)).isEqualTo(i + 1L);
            }
            socket.close().await();
            wss.close().await();
        }
    }

    @Test
    void shouldRefuseHalfATlsConfigurationOrFilesThatAreNotPem() throws Exception
    {
        final String cert = dir.resolve("cert.pem").toString();
        final String key = dir.resolve("key.pem").toString();
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("tls-cert", cert)))
            .isInstanceOf(ConfigException.class).hasMessage("--tls-cert needs --tls-key");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("tls-key", key)))
            .isInstanceOf(ConfigException.class).hasMessage("--tls-key needs --tls-cert");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("tls-cert", key, "tls-key", key)))
            .isInstanceOf(ConfigException.class).hasMessageStartingWith("--tls-cert " + key + ": not a PEM file with a CERTIFICATE");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("tls-cert", cert, "tls-key", cert)))
            .isInstanceOf(ConfigException.class).hasMessageStartingWith("--tls-key " + cert + ": not a PEM file with a PRIVATE KEY");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("tls-cert", dir.resolve("none.pem").toString(), "tls-key", key)))
            .isInstanceOf(ConfigException.class).hasMessage("--tls-cert " + dir.resolve("none.pem") + ": no such file");
        Files.writeString(dir.resolve("bad-cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("tls-cert", dir.resolve("bad-cert.pem").toString(), "tls-key", key)))
            .isInstanceOf(ConfigException.class).hasMessageContaining("not a PEM certificate");
        assertThat(GatewayConfig.of(Map.of("tls-cert", cert, "tls-key", key)).tls()).isTrue();
    }
}
