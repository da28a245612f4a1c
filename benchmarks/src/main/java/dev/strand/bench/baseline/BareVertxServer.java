package dev.strand.bench.baseline;

import dev.strand.bench.support.Cli;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Baseline HTTP server: plain Vert.x 5 core, no engine, no journal. It parses the same JSON body as a Strand
 * {@code Deposit} command, checks the envelope the way the gateway must ({@code type}, {@code aggregateId},
 * {@code data.amount} a positive integer, except for {@code OpenAccount}) and answers a small JSON result with a position from a counter.
 * Run it beside the gateway and drive both with the same wrk or load-generator command: the ratio is what the
 * engine, the journal and the gateway's extra work cost over HTTP and JSON alone.
 *
 * <pre>java -cp benchmarks.jar dev.strand.bench.baseline.BareVertxServer [port=8090] [instances=2]</pre>
 *
 * Endpoints: {@code POST /commands}, {@code POST /commands/batch}, {@code GET /health/ready}, and
 * {@code GET /subscribe} (WebSocket, live only): every accepted command's event is sent to every subscriber as one
 * text frame, in position order, through the event bus; a subscriber whose write queue is full is closed with 4008.
 * That gives the load generator's WebSocket-lag measurement a baseline too.
 */
public final class BareVertxServer extends VerticleBase
{
    private static final String JSON = "application/json";
    private static final AtomicLong POSITION = new AtomicLong();
    /** Event-bus address of the accepted "events". */
    private static final String EVENTS = "bare.events";
    /** Serialises position assignment with publication, so every subscriber sees positions in order. */
    private static final Object PUBLISH_LOCK = new Object();
    private static final short CLOSE_TOO_SLOW = 4008;

    private final java.util.Set<ServerWebSocket> subscribers = new java.util.HashSet<>();

    private final int port;

    public BareVertxServer(final int port)
    {
        this.port = port;
    }

    /** The command line: {@code [port] [instances]}. */
    @Command(name = "BareVertxServer", mixinStandardHelpOptions = true,
        description = "Baseline HTTP server: plain Vert.x, the gateway's JSON parsing and envelope checks, no engine.")
    static final class Options implements Callable<Integer>
    {
        @Parameters(index = "0", arity = "0..1", defaultValue = "8090", paramLabel = "<port>", description = "default ${DEFAULT-VALUE}")
        int port;
        @Parameters(index = "1", arity = "0..1", defaultValue = "2", paramLabel = "<instances>",
            description = "verticle instances (event loops); default ${DEFAULT-VALUE}")
        int instances;

        @Override
        public Integer call()
        {
            serve(port, instances);
            return 0;
        }
    }

    public static void main(final String[] args)
    {
        final int status = Cli.execute("BareVertxServer", new Options(), args);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    private static void serve(final int port, final int instances)
    {
        final Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new BareVertxServer(port), new DeploymentOptions().setInstances(instances))
            .onSuccess(id -> System.out.println("bare Vert.x baseline listening on 127.0.0.1:" + port + " with " + instances + " instances"))
            .onFailure(err ->
            {
                System.err.println("could not start: " + err);
                vertx.close();
                System.exit(1);
            });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "bare-vertx-shutdown"));
    }

    @Override
    public Future<?> start()
    {
        vertx.eventBus().<String>localConsumer(EVENTS, msg -> broadcast(msg.body()));
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
            .requestHandler(this::route)
            .listen();
    }

    private void subscribe(final ServerWebSocket ws)
    {
        subscribers.add(ws);
        ws.closeHandler(v -> subscribers.remove(ws));
    }

    private void broadcast(final String event)
    {
        for (final ServerWebSocket ws : subscribers.toArray(new ServerWebSocket[0]))
        {
            if (ws.writeQueueFull())
            {
                subscribers.remove(ws);
                ws.close(CLOSE_TOO_SLOW, "too slow");
            }
            else
            {
                ws.writeTextMessage(event);
            }
        }
    }

    private void route(final HttpServerRequest request)
    {
        final String path = request.path();
        if (request.method() == HttpMethod.POST && "/commands".equals(path))
        {
            request.body().onSuccess(body -> answerCommand(request, body));
        }
        else if (request.method() == HttpMethod.POST && "/commands/batch".equals(path))
        {
            request.body().onSuccess(body -> answerBatch(request, body));
        }
        else if (request.method() == HttpMethod.GET && "/subscribe".equals(path))
        {
            request.toWebSocket().onSuccess(this::subscribe);
        }
        else if (request.method() == HttpMethod.GET && path.startsWith("/health/"))
        {
            request.response().putHeader("content-type", JSON).end("{\"status\":\"UP\"}");
        }
        else
        {
            problem(request, 404, "NOT_FOUND", "no such endpoint");
        }
    }

    private void answerCommand(final HttpServerRequest request, final Buffer body)
    {
        final JsonObject command;
        try
        {
            command = new JsonObject(body);
        }
        catch (final DecodeException | ClassCastException ex)
        {
            problem(request, 400, "MALFORMED_REQUEST", "body is not a JSON object");
            return;
        }
        final String error = check(command);
        if (error != null)
        {
            problem(request, 400, "INVALID_FIELD", error);
            return;
        }
        request.response().putHeader("content-type", JSON).end(result(command).toBuffer());
    }

    private void answerBatch(final HttpServerRequest request, final Buffer body)
    {
        final JsonArray commands;
        try
        {
            commands = new JsonObject(body).getJsonArray("commands");
        }
        catch (final DecodeException | ClassCastException ex)
        {
            problem(request, 400, "MALFORMED_REQUEST", "body is not a batch object");
            return;
        }
        if (commands == null)
        {
            problem(request, 400, "MALFORMED_REQUEST", "commands is required");
            return;
        }
        final JsonArray results = new JsonArray();
        for (int i = 0; i < commands.size(); i++)
        {
            final Object item = commands.getValue(i);
            final String error = item instanceof JsonObject c ? check(c) : "command " + i + " is not an object";
            if (error != null)
            {
                problem(request, 400, "INVALID_FIELD", error);
                return;
            }
            results.add(result((JsonObject)item));
        }
        request.response().putHeader("content-type", JSON).end(new JsonObject().put("results", results).toBuffer());
    }

    /** The envelope checks of a ledger amount command; null when fine. */
    static String check(final JsonObject command)
    {
        if (!(command.getValue("type") instanceof String))
        {
            return "type is required";
        }
        if (!(command.getValue("aggregateId") instanceof String))
        {
            return "aggregateId is required";
        }
        final Object data = command.getValue("data");
        if (!(data instanceof JsonObject d))
        {
            return "data must be an object";
        }
        final Object amount = d.getValue("amount");
        if ("OpenAccount".equals(command.getValue("type")) && amount == null)
        {
            return null;
        }
        if (!(amount instanceof Integer || amount instanceof Long) || ((Number)amount).longValue() <= 0)
        {
            return "amount must be a positive integer";
        }
        return null;
    }

    private JsonObject result(final JsonObject command)
    {
        final long position;
        synchronized (PUBLISH_LOCK)
        {
            position = POSITION.incrementAndGet();
            vertx.eventBus().publish(EVENTS, new JsonObject()
                .put("position", position)
                .put("aggregateId", command.getString("aggregateId"))
                .put("type", command.getString("type"))
                .put("data", command.getJsonObject("data"))
                .encode());
        }
        return new JsonObject()
            .put("commandId", command.getString("commandId", "bare-" + position))
            .put("status", "accepted")
            .put("position", position);
    }

    private static void problem(final HttpServerRequest request, final int status, final String code, final String detail)
    {
        request.response()
            .setStatusCode(status)
            .putHeader("content-type", "application/problem+json")
            .end(new JsonObject()
                .put("type", "about:blank")
                .put("title", code)
                .put("status", status)
                .put("detail", detail)
                .put("code", code)
                .toBuffer());
    }
}
