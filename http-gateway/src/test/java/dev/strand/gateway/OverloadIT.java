package dev.strand.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A full ring answers 503 OVERLOADED with Retry-After at once, journals nothing for it, and blocks nothing. */
@Timeout(120)
class OverloadIT
{
    @Test
    void shouldAnswer503OverloadedWhenTheRingIsFull(@TempDir final Path dataDir)
    {
        try (TestServer server = TestServer.start(dataDir, Map.of("ring-size", "2", "durability", "sync")))
        {
            server.open("ov-1");
            final WebClient client = WebClient.create(server.clientVertx(),
                new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()),
                new PoolOptions().setHttp1MaxSize(128));
            int overloaded = 0;
            int accepted = 0;
            for (int round = 0; round < 20 && overloaded == 0; round++)
            {
                final List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
                for (int i = 0; i < 512; i++)
                {
                    inFlight.add(client.post("/commands").putHeader("Content-Type", "application/json")
                        .sendBuffer(TestServer.envelope("Deposit", "ov-1", new JsonObject().put("amount", 1)).toBuffer()));
                }
                for (final Future<HttpResponse<Buffer>> f : inFlight)
                {
                    final HttpResponse<Buffer> r = TestServer.await(f);
                    if (r.statusCode() == 503)
                    {
                        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("OVERLOADED");
                        assertThat(r.getHeader("Retry-After")).isEqualTo("1");
                        overloaded++;
                    }
                    else
                    {
                        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
                        accepted++;
                    }
                }
            }
            client.close();
            assertThat(overloaded).as("503 OVERLOADED answers").isPositive();
            assertThat(server.gateway().engine().journalPosition()).isEqualTo(1 + accepted);
        }
    }
}
