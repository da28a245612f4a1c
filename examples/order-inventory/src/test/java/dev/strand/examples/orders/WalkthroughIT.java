package dev.strand.examples.orders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's walkthrough against the real server: {@code java -jar strand.jar --modules <dir>} in a child JVM with
 * this module's built jar in that directory, driven over HTTP. Stock on two items, an account, an order that reserves
 * on both and debits the account in one commit, an order refused atomically because one item lacks stock (nothing
 * journaled, no balance changed), a cancel that releases and refunds, a confirm that consumes, and the schemas.
 */
@Timeout(180)
class WalkthroughIT
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private Process server;
    private Path log;
    private int port;

    private static Path required(final String property)
    {
        final Path path = Path.of(System.getProperty(property, "(unset)"));
        assertThat(path).as(property + " (built by mvn package in the reactor: the gateway before this module)")
            .isRegularFile();
        return path;
    }

    @BeforeEach
    void start() throws Exception
    {
        final Path modules = Files.createDirectories(dir.resolve("modules"));
        Files.copy(required("example.jar"), modules.resolve("order-inventory.jar"));
        try (ServerSocket s = new ServerSocket(0))
        {
            port = s.getLocalPort();
        }
        log = dir.resolve("server.log");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx256m", "-jar", required("strand.jar").toAbsolutePath().toString(),
            "--port", String.valueOf(port), "--data-dir", dir.resolve("data").toString(), "--min-free-bytes", "0",
            "--modules", modules.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("the server to be ready (log: " + log + ")").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200)).until(() ->
            {
                if (!server.isAlive())
                {
                    throw new AssertionError("the server exited with " + server.exitValue() + ": " + Files.readString(log));
                }
                try
                {
                    return get("/health/ready").statusCode() == 200;
                }
                catch (final IOException ex)
                {
                    return false;
                }
            });
    }

    @AfterEach
    void stop() throws Exception
    {
        if (server != null)
        {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS))
            {
                server.destroyForcibly();
            }
        }
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> command(final String type, final String aggregateId, final JsonObject data)
        throws IOException, InterruptedException
    {
        final JsonObject body = new JsonObject().put("type", type).put("aggregateId", aggregateId).put("data", data);
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/commands"))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject ok(final HttpResponse<String> response)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private JsonObject state(final String aggregateId, final long position) throws Exception
    {
        return ok(get("/aggregates/" + aggregateId + "?minPosition=" + position)).getJsonObject("state");
    }

    private static JsonObject line(final String item, final long quantity, final long unitPrice)
    {
        return new JsonObject().put("item", item).put("quantity", quantity).put("unitPrice", unitPrice);
    }

    @Test
    void shouldRunTheWalkthroughOverHttp() throws Exception
    {
        ok(command("AddStock", "sku-bolt", new JsonObject().put("quantity", 10).put("supplier", "acme")));
        ok(command("AddStock", "sku-nut", new JsonObject().put("quantity", 3)));
        ok(command("OpenAccount", "acc-1", new JsonObject().put("owner", "Ada")));
        ok(command("Deposit", "acc-1", new JsonObject().put("amount", 10_000)));

        // one decision, one commit: the order, a reservation on each item, the account's debit
        final JsonObject placed = ok(command("PlaceOrder", "ord-1", new JsonObject().put("account", "acc-1")
            .put("lines", new JsonArray().add(line("sku-bolt", 4, 250)).add(line("sku-nut", 2, 100)))));
        final JsonArray events = placed.getJsonArray("events");
        assertThat(events.stream().map(e -> ((JsonObject)e).getString("aggregateId") + " " +
            ((JsonObject)e).getString("type"))).containsExactly("ord-1 OrderPlaced", "sku-bolt StockReserved",
            "sku-nut StockReserved", "acc-1 Withdrawn");
        final long position = placed.getLong("position");
        assertThat(state("acc-1", position).getLong("balance")).isEqualTo(8_800);
        assertThat(state("sku-nut", position).getJsonObject("reserved").getLong("ord-1")).isEqualTo(2);

        // sku-nut has 1 free: the whole order is refused, nothing is journaled, the balance stays
        final HttpResponse<String> refused = command("PlaceOrder", "ord-2", new JsonObject().put("account", "acc-1")
            .put("lines", new JsonArray().add(line("sku-bolt", 1, 250)).add(line("sku-nut", 2, 100))));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        final JsonObject problem = new JsonObject(refused.body());
        assertThat(problem.getString("code")).isEqualTo("OUT_OF_STOCK");
        assertThat(problem.getString("detail")).isEqualTo("sku-nut has 1 free, the order wants 2");
        final JsonObject events2 = ok(get("/events?fromPosition=1&limit=100"));
        assertThat(events2.getJsonArray("events")).hasSize((int)position);
        assertThat(state("acc-1", position).getLong("balance")).isEqualTo(8_800);
        assertThat(state("sku-bolt", position).getJsonObject("reserved").fieldNames()).containsExactly("ord-1");
        assertThat(get("/aggregates/ord-2").statusCode()).isEqualTo(404);

        // a typo in data is refused by name
        final HttpResponse<String> typo = command("AddStock", "sku-bolt", new JsonObject().put("quantity", 1)
            .put("suplier", "acme"));
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(typo.body()).getString("field")).isEqualTo("data.suplier");

        // cancel releases and refunds; a new order and its confirmation consume the stock
        final long cancelled = ok(command("CancelOrder", "ord-1", new JsonObject().put("reason", "changed my mind")))
            .getLong("position");
        assertThat(state("acc-1", cancelled).getLong("balance")).isEqualTo(10_000);
        assertThat(state("sku-nut", cancelled).getJsonObject("reserved").isEmpty()).isTrue();
        ok(command("PlaceOrder", "ord-3", new JsonObject().put("account", "acc-1")
            .put("lines", new JsonArray().add(line("sku-nut", 3, 100)))));
        final long confirmed = ok(command("ConfirmOrder", "ord-3", new JsonObject())).getLong("position");
        final JsonObject nut = state("sku-nut", confirmed);
        assertThat(nut.getLong("onHand")).isZero();
        assertThat(nut.getJsonObject("reserved").isEmpty()).isTrue();
        assertThat(state("ord-3", confirmed).getString("status")).isEqualTo("CONFIRMED");
        assertThat(state("acc-1", confirmed).getLong("balance")).isEqualTo(9_700);
        final HttpResponse<String> again = command("CancelOrder", "ord-3", new JsonObject());
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(new JsonObject(again.body()).getString("code")).isEqualTo("NOT_PLACED");

        // the example's projection, read over HTTP once it has applied the confirmation
        final long end = confirmed;
        await("the projection to apply position " + end).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
            .until(() -> projectionPosition("orders-per-account") >= end);
        final JsonObject orders = ok(get("/projections/orders-per-account/acc-1"));
        assertThat(orders.getJsonObject("row").getMap()).containsEntry("placed", 2).containsEntry("cancelled", 1)
            .containsEntry("confirmed", 1).containsEntry("ordered", 1_500);
        final JsonObject balances = ok(get("/projections/balances-by-currency/EUR")).getJsonObject("row");
        assertThat(balances.getLong("balance")).isEqualTo(9_700);
        assertThat(get("/projections/orders-per-account/acc-9").statusCode()).isEqualTo(404);

        // the catalog names every type of the example beside the ledger's
        final JsonArray types = ok(get("/schemas")).getJsonArray("aggregateTypes");
        assertThat(types.stream().map(t -> ((JsonObject)t).getString("name"))).containsExactly("account", "item", "order");
        final JsonObject item = types.getJsonObject(1);
        assertThat(item.getJsonArray("events").stream().filter(e -> ((JsonObject)e).getString("type").equals("StockAdded"))
            .map(e -> ((JsonObject)e).getInteger("schemaVersion"))).containsExactly(2);
    }

    private long projectionPosition(final String name) throws IOException, InterruptedException
    {
        for (final Object p : ok(get("/projections")).getJsonArray("projections"))
        {
            if (((JsonObject)p).getString("name").equals(name))
            {
                return ((JsonObject)p).getLong("position");
            }
        }
        throw new AssertionError("no projection " + name);
    }
}
