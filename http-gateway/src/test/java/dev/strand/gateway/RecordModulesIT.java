package dev.strand.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record modules over HTTP (the test modules {@code kit} and {@code crate}): structured data in and out in its JSON
 * forms, {@code aggregateType} in the envelope for a command name two aggregate types share, and strictness at any
 * depth, with the field's whole path.
 */
@Timeout(120)
class RecordModulesIT
{
    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir);
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static String id()
    {
        return "kit-" + UUID.randomUUID();
    }

    private static JsonObject part(final String sku, final int quantity)
    {
        return new JsonObject().put("sku", sku).put("quantity", quantity);
    }

    private static JsonObject assemble()
    {
        return new JsonObject()
            .put("parts", new JsonArray().add(part("a-1", 2)).add(part("b-2", 1)))
            .put("spares", new JsonObject().put("z", part("z-9", 1)).put("m", part("m-3", 4)))
            .put("price", "12.50")
            .put("due", "2026-11-22T11:15:30.5+01:00")
            .put("finish", "GLOSS");
    }

    private static HttpResponse<Buffer> send(final String aggregateType, final String id, final JsonObject data)
    {
        final JsonObject envelope = TestServer.envelope("Assemble", id, data);
        if (aggregateType != null)
        {
            envelope.put("aggregateType", aggregateType);
        }
        return server.post("/commands", envelope);
    }

    private static JsonObject problem(final HttpResponse<Buffer> response, final int status, final String code)
    {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        final JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("code")).as(response.bodyAsString()).isEqualTo(code);
        return body;
    }

    @Test
    void shouldTakeAndGiveStructuredDataInItsJsonForms()
    {
        final String id = id();
        final JsonObject result = expectOk(send("kit", id, assemble()));
        final JsonObject data = result.getJsonArray("events").getJsonObject(0).getJsonObject("data");
        assertThat(data.getJsonArray("parts").getJsonObject(1).getInteger("quantity")).isEqualTo(1);
        assertThat(data.getJsonObject("spares").fieldNames()).as("map keys in sorted order").containsExactly("m", "z");
        assertThat(data.getValue("price")).as("a decimal is a string").isEqualTo("12.50");
        assertThat(data.getValue("due")).as("an instant is ISO-8601 in UTC").isEqualTo("2026-11-22T10:15:30.500Z");
        assertThat(data.containsKey("note")).isTrue();
        assertThat(data.getValue("note")).as("an absent optional is null").isNull();
        assertThat(data.getString("finish")).isEqualTo("GLOSS");

        final long position = result.getLong("position");
        final JsonObject state = expectOk(server.get("/aggregates/" + id + "?minPosition=" + position));
        assertThat(state.getString("aggregateType")).isEqualTo("kit");
        assertThat(state.getJsonObject("state").getJsonArray("parts").getJsonObject(0).getString("sku")).isEqualTo("a-1");
        assertThat(state.getJsonObject("state").getString("price")).isEqualTo("12.50");
    }

    @Test
    void shouldAskForTheAggregateTypeOfANameTwoTypesShare()
    {
        final long before = server.gateway().engine().journalPosition();
        final JsonObject ambiguous = problem(send(null, id(), assemble()), 400, "AMBIGUOUS_COMMAND_TYPE");
        assertThat(ambiguous.getString("field")).isEqualTo("aggregateType");
        assertThat(ambiguous.getString("detail")).contains("crate, kit");
        assertThat(problem(send("bag", id(), assemble()), 400, "UNKNOWN_AGGREGATE_TYPE").getString("detail"))
            .contains("account, crate, kit");
        final String crate = "crate-" + UUID.randomUUID();
        expectOk(send("crate", crate, new JsonObject().put("label", "fragile")));
        problem(send("kit", crate, assemble()), 409, "AGGREGATE_TYPE_MISMATCH");
        assertThat(server.gateway().engine().journalPosition()).isEqualTo(before + 1);
    }

    @Test
    void shouldRefuseAnUnknownOrInvalidFieldAtAnyDepthNamingItsPath()
    {
        final long before = server.gateway().engine().journalPosition();
        final JsonObject typo = assemble();
        typo.getJsonArray("parts").getJsonObject(0).put("skuu", "x");
        assertThat(problem(send("kit", id(), typo), 400, "UNKNOWN_FIELD").getString("field"))
            .isEqualTo("data.parts[0].skuu");

        final JsonObject inMap = assemble();
        inMap.getJsonObject("spares").getJsonObject("z").put("colour", "red");
        assertThat(problem(send("kit", id(), inMap), 400, "UNKNOWN_FIELD").getString("field"))
            .isEqualTo("data.spares.z.colour");

        final JsonObject missing = assemble();
        missing.getJsonArray("parts").getJsonObject(1).remove("sku");
        final JsonObject required = problem(send("kit", id(), missing), 400, "INVALID_FIELD");
        assertThat(required.getString("field")).isEqualTo("data.parts[1].sku");
        assertThat(required.getString("detail")).isEqualTo("field 'data.parts[1].sku' is required");

        final JsonObject zero = assemble();
        zero.getJsonArray("parts").getJsonObject(1).put("quantity", 0);
        assertThat(problem(send("kit", id(), zero), 400, "INVALID_FIELD").getString("field"))
            .isEqualTo("data.parts[1].quantity");

        final JsonObject number = assemble().put("price", 12.5);
        assertThat(problem(send("kit", id(), number), 400, "INVALID_FIELD").getString("field")).isEqualTo("data.price");

        final JsonObject finish = assemble().put("finish", "SATIN");
        assertThat(problem(send("kit", id(), finish), 400, "INVALID_FIELD").getString("detail"))
            .isEqualTo("field 'data.finish' must be one of MATT, GLOSS");
        assertThat(server.gateway().engine().journalPosition()).as("nothing refused is journaled").isEqualTo(before);
    }
}
