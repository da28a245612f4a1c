package dev.strand.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.strand.gateway.TestServer.envelope;
import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/** What a graceful stop and a restart on the same data dir keep: state, events and idempotent replays. */
@Timeout(120)
class RestartIT
{
    @Test
    void shouldReplayAnAcceptedCommandAfterARestart(@TempDir final Path dataDir)
    {
        final JsonObject deposit = envelope("Deposit", "r-1", new JsonObject().put("amount", 42));
        final JsonObject original;
        try (TestServer first = TestServer.start(dataDir))
        {
            first.open("r-1");
            original = expectOk(first.post("/commands", deposit));
        }
        try (TestServer second = TestServer.start(dataDir))
        {
            final HttpResponse<Buffer> again = second.post("/commands", deposit);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.bodyAsJsonObject()).isEqualTo(original);
            final JsonObject state = expectOk(second.get("/aggregates/r-1?minPosition=" + original.getLong("position")));
            assertThat(state.getJsonObject("state").getLong("balance")).isEqualTo(42);
            assertThat(second.gateway().engine().journalPosition()).isEqualTo(original.getLong("position"));
        }
    }
}
