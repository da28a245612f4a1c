package dev.strand.gateway;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.strand.gateway.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /schemas} against real payloads, with an independent JSON Schema 2020-12 validator (networknt): the data
 * of the requests the server accepts, and of every event it journaled for them, validate against the catalog's
 * schemas; data it refuses as UNKNOWN_FIELD or of the wrong JSON type does not. The ledger and the gateway's test
 * record modules ({@code kit}: lists, maps, nested records, decimals, instants, enums, optional values; {@code crate}).
 */
@Timeout(120)
class SchemasIT
{
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @TempDir
    static Path dataDir;
    static TestServer server;
    static JsonObject catalog;

    @BeforeAll
    static void start()
    {
        server = TestServer.start(dataDir);
        catalog = expectOk(server.get("/schemas"));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static JsonObject entry(final String aggregateType, final String kind, final String type)
    {
        for (final Object t : catalog.getJsonArray("aggregateTypes"))
        {
            final JsonObject aggregate = (JsonObject)t;
            if (aggregate.getString("name").equals(aggregateType))
            {
                for (final Object c : aggregate.getJsonArray(kind))
                {
                    if (((JsonObject)c).getString("type").equals(type))
                    {
                        return (JsonObject)c;
                    }
                }
            }
        }
        throw new AssertionError("no " + kind + " " + aggregateType + "/" + type + " in " + catalog.encode());
    }

    private static List<Error> validate(final JsonObject entry, final Object data)
    {
        final Schema schema = REGISTRY.getSchema(entry.getJsonObject("schema").encode(), InputFormat.JSON);
        return schema.validate(data instanceof JsonObject o ? o.encode() : String.valueOf(data), InputFormat.JSON);
    }

    private static JsonObject part(final String sku, final int quantity)
    {
        return new JsonObject().put("sku", sku).put("quantity", quantity);
    }

    private static JsonObject assemble()
    {
        return new JsonObject()
            .put("parts", new JsonArray().add(part("a-1", 2)).add(part("b-2", 1)))
            .put("spares", new JsonObject().put("z", part("z-9", 1)))
            .put("price", "12.50")
            .put("due", "2026-11-22T11:15:30.5+01:00")
            .put("finish", "GLOSS");
    }

    /** Sends a command, asserts it is accepted and that its data validates against its command schema. */
    private static void accepted(final String aggregateType, final String type, final String id, final JsonObject data)
    {
        assertThat(validate(entry(aggregateType, "commands", type), data)).as(type + " " + data.encode()).isEmpty();
        final JsonObject envelope = TestServer.envelope(type, id, data).put("aggregateType", aggregateType);
        expectOk(server.post("/commands", envelope));
    }

    @Test
    void shouldValidateTheDataOfAcceptedCommandsAndOfEveryEventTheyJournaled()
    {
        final String a = "acc-" + UUID.randomUUID();
        final String b = "acc-" + UUID.randomUUID();
        final String c = "acc-" + UUID.randomUUID();
        final long before = server.gateway().engine().journalPosition();
        accepted("account", "OpenAccount", a, new JsonObject().put("owner", "Ada").put("currency", "EUR"));
        accepted("account", "OpenAccount", b, new JsonObject());
        accepted("account", "Deposit", a, new JsonObject().put("amount", 500));
        accepted("account", "Withdraw", a, new JsonObject().put("amount", 20));
        accepted("account", "Transfer", a, new JsonObject().put("to", b).put("amount", 30));
        accepted("account", "OpenAccount", c, new JsonObject().put("owner", "Bo").put("overdraftLimit", 0));
        accepted("account", "CloseAccount", c, new JsonObject());
        accepted("kit", "Assemble", "kit-" + UUID.randomUUID(), assemble());
        accepted("kit", "Assemble", "kit-" + UUID.randomUUID(), assemble().put("note", "fragile").putNull("due"));
        accepted("crate", "Assemble", "crate-" + UUID.randomUUID(), new JsonObject().put("label", "x"));

        final JsonArray events = expectOk(server.get("/events?fromPosition=" + (before + 1) + "&limit=1000"))
            .getJsonArray("events");
        final Map<String, Integer> seen = new HashMap<>();
        for (final Object e : events)
        {
            final JsonObject event = (JsonObject)e;
            final JsonObject entry = entry(event.getString("aggregateType"), "events", event.getString("type"));
            assertThat(event.getInteger("schemaVersion")).isEqualTo(entry.getInteger("schemaVersion"));
            assertThat(validate(entry, event.getJsonObject("data"))).as(event.encode()).isEmpty();
            seen.merge(event.getString("type"), 1, Integer::sum);
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrder("AccountOpened", "Deposited", "Withdrawn", "TransferSent",
            "TransferReceived", "AccountClosed", "Assembled", "CrateAssembled");
    }

    @Test
    void shouldNotValidateDataTheServerRefuses()
    {
        final JsonObject assembleSchema = entry("kit", "commands", "Assemble");
        final List<JsonObject> refused = new ArrayList<>();
        final JsonObject typo = assemble();
        typo.getJsonArray("parts").getJsonObject(0).put("skuu", "x");
        refused.add(typo);
        refused.add(assemble().put("price", 12.5));
        refused.add(assemble().put("price", "1e3"));
        refused.add(assemble().put("finish", "SATIN"));
        final JsonObject missing = assemble();
        missing.getJsonArray("parts").getJsonObject(1).remove("sku");
        refused.add(missing);
        refused.add(assemble().put("spares", new JsonArray()));
        for (final JsonObject data : refused)
        {
            assertThat(validate(assembleSchema, data)).as("the schema refuses " + data.encode()).isNotEmpty();
            final JsonObject envelope = TestServer.envelope("Assemble", "kit-" + UUID.randomUUID(), data)
                .put("aggregateType", "kit");
            assertThat(server.post("/commands", envelope).statusCode()).as("the server refuses " + data.encode())
                .isEqualTo(400);
        }
        final JsonObject deposit = entry("account", "commands", "Deposit");
        assertThat(validate(deposit, new JsonObject().put("amount", 1).put("currency", "USD"))).isNotEmpty();
        assertThat(validate(deposit, new JsonObject().put("amount", "1"))).isNotEmpty();
        assertThat(validate(deposit, new JsonObject())).isNotEmpty();
    }

    @Test
    void shouldListEveryAggregateTypeByNameAndBeLinkedFromTheOpenApiDocument()
    {
        assertThat(catalog.getJsonArray("aggregateTypes").stream().map(t -> ((JsonObject)t).getString("name")))
            .containsExactly("account", "crate", "kit");
        assertThat(entry("account", "events", "Deposited").getJsonObject("schema").getString("$schema"))
            .isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(expectOk(server.get("/schemas"))).as("the same document every time").isEqualTo(catalog);
        final String openApi = server.get("/openapi.yaml").bodyAsString();
        assertThat(openApi).contains("  /schemas:\n    get:").contains("operationId: schemas");
    }
}
