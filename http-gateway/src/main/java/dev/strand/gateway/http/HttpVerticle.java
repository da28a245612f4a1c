package dev.strand.gateway.http;

import dev.strand.engine.core.CommandLogging;
import dev.strand.gateway.GatewayConfig;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance on one event loop; the gateway deploys one per event loop, all on the same port. Builds
 * the routes of docs/api.md, the limits and the failure handling that turns everything into problem+json.
 */
public final class HttpVerticle extends VerticleBase
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

    private final GatewayServices services;
    private final int port;
    private HttpServer server;
    private ConnectionGuard guard;
    private long sweepTimer = -1;
    private AllowedMethods allowed;

    public HttpVerticle(final GatewayServices services, final int port)
    {
        this.services = services;
        this.port = port;
    }

    @Override
    public Future<?> start()
    {
        final GatewayConfig config = services.config();
        services.problems().bind(context);
        guard = new ConnectionGuard(
            services.connections(), config.maxConnections(), config.idleTimeoutSeconds() * 1000L, config.requestTimeoutMs());
        final HttpServerOptions options = new HttpServerOptions()
            .setHost(config.host())
            .setPort(port)
            .setMaxHeaderSize(config.maxHeaderSize())
            .setMaxInitialLineLength(8192)
            .setIdleTimeout(config.idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setMaxWebSocketFrameSize(config.wsMaxFrameSize())
            .setMaxWebSocketMessageSize(config.wsMaxMessageSize())
            .setTcpNoDelay(true)
            .setReusePort(false)
            // the console offers the key as a second subprotocol (browsers cannot set headers on a WebSocket); the
            // server answers with this one
            .setWebSocketSubProtocols(java.util.List.of(AuthHandler.SUBPROTOCOL));
        if (config.tls())
        {
            options.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                .setCertPath(config.tlsCert().toString())
                .setKeyPath(config.tlsKey().toString()));
        }
        final Router router = router();
        server = vertx.createHttpServer(options)
            .connectionHandler(guard::connected)
            .invalidRequestHandler(HttpVerticle::invalidRequest)
            .requestHandler(request ->
            {
                guard.requestStarted(request);
                router.handle(request);
            });
        sweepTimer = vertx.setPeriodic(1000, id -> guard.sweep());
        return server.listen();
    }

    @Override
    public Future<?> stop()
    {
        if (sweepTimer >= 0)
        {
            vertx.cancelTimer(sweepTimer);
        }
        return server == null ? Future.succeededFuture() : server.shutdown(services.config().shutdownTimeoutSeconds(), TimeUnit.SECONDS);
    }

    private Router router()
    {
        final GatewayConfig config = services.config();
        final Router router = Router.router(vertx);
        final CommandRoutes commands = new CommandRoutes(services.engine(), config.maxBatchCommands());
        final QueryRoutes queries = new QueryRoutes(
            services.engine(), services.queryWorkers(), config.readWaitTimeoutMs(), config.eventsMaxLimit(), config.eventsMaxScan());
        final AdminRoutes admin = new AdminRoutes(services.engine(), services.queryWorkers(), config.backupDir());
        final OpsRoutes ops = new OpsRoutes(services);
        final ProjectionRoutes projections = new ProjectionRoutes(services.engine());
        final SubscribeRoute subscribe = new SubscribeRoute(
            services.engine(),
            services.subscribers(),
            services.draining(),
            config.wsAllowedOrigins(),
            config.wsMaxInFlight(),
            Math.max(1000L, config.idleTimeoutSeconds() * 1000L / 3),
            guard);
        final BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimit());
        final AuthHandler reader = new AuthHandler(config.apiKeys(), Role.READER);
        final AuthHandler writer = new AuthHandler(config.apiKeys(), Role.WRITER);
        final AuthHandler adminRole = new AuthHandler(config.apiKeys(), Role.ADMIN);

        router.route().handler(this::refuseWhileDraining);

        router.post("/commands").handler(writer).handler(REQUIRE_JSON).handler(body).handler(commands::single);
        router.post("/commands/batch").handler(writer).handler(REQUIRE_JSON).handler(body).handler(commands::batch);
        router.get("/aggregates/:aggregateId").handler(reader).handler(queries::aggregate);
        router.get("/aggregates/:aggregateId/events").handler(reader).handler(queries::aggregateEvents);
        router.get("/events").handler(reader).handler(queries::events);
        router.get("/projections").handler(reader).handler(projections::list);
        router.get("/projections/:name/:key").handler(reader).handler(projections::row);
        router.get("/subscribe").handler(reader).handler(subscribe::handle);
        router.get("/health/live").handler(ops::live);
        router.get("/health/ready").handler(ops::ready);
        router.get("/metrics").handler(reader).handler(ops::metrics);
        router.get("/openapi.yaml").handler(ops::openApi);
        router.get("/schemas").handler(reader).handler(ops::schemas);
        router.get("/stats").handler(reader).handler(ops::stats);
        // The console: static files from the jar, open like /openapi.yaml (they hold no data; the page asks for a key
        // when the API answers 401)
        router.get("/console").handler(ctx ->
        {
            if (ctx.request().path().endsWith("/"))
            {
                ctx.next();
            }
            else
            {
                ctx.redirect("/console/");
            }
        });
        router.get("/console/*").handler(io.vertx.ext.web.handler.StaticHandler.create("console")
            .setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false));
        router.post("/admin/snapshots").handler(adminRole).handler(admin::takeSnapshot);
        router.get("/admin/snapshots").handler(adminRole).handler(admin::listSnapshots);
        router.get("/admin/cluster").handler(adminRole).handler(admin::cluster);
        router.get("/admin/state-hash").handler(adminRole).handler(admin::stateHash);
        router.get("/admin/journal/head").handler(adminRole).handler(admin::journalHead);
        router.post("/admin/journal/retention").handler(adminRole).handler(admin::runRetention);
        router.post("/admin/backups").handler(adminRole).handler(admin::takeBackup);
        router.get("/admin/backups").handler(adminRole).handler(admin::listBackups);
        router.post("/admin/projections/:name/rebuild").handler(adminRole).handler(projections::rebuild);

        allowed = AllowedMethods.of(router.getRoutes());
        router.route().failureHandler(this::failure);
        for (final int status : new int[] {400, 404, 405, 406, 413, 415, 500, 501, 503})
        {
            router.errorHandler(status, this::failure);
        }
        return router;
    }

    /** A request the HTTP decoder could not read (headers or request line too long, broken syntax): problem+json. */
    private static void invalidRequest(final HttpServerRequest request)
    {
        final Throwable cause = request.decoderResult().cause();
        final Problem problem;
        if (cause instanceof TooLongHttpHeaderException)
        {
            problem = Problem.of(431, "HEADERS_TOO_LARGE", "the request headers are larger than the limit");
        }
        else if (cause instanceof TooLongHttpLineException)
        {
            problem = Problem.of(414, "URI_TOO_LONG", "the request line is longer than the limit");
        }
        else
        {
            problem = Problem.malformed("the request is not valid HTTP");
        }
        request.response().putHeader("Connection", "close");
        Responses.problem(request.response(), problem);
        request.connection().close();
    }

    private void refuseWhileDraining(final RoutingContext ctx)
    {
        if (services.isDraining() && !ctx.request().path().startsWith("/health/"))
        {
            ctx.response().putHeader("Connection", "close");
            Responses.problem(ctx, Problem.of(503, Problem.SHUTTING_DOWN, "the server is shutting down; retry on another instance or later"));
            return;
        }
        ctx.next();
    }

    /** 415 unless the body is JSON; a platform handler, so it answers before the body is read. */
    private static final PlatformHandler REQUIRE_JSON = HttpVerticle::requireJson;

    private static void requireJson(final RoutingContext ctx)
    {
        final String contentType = ctx.request().getHeader("Content-Type");
        if (!isJson(contentType))
        {
            Responses.problem(ctx, Problem.of(415, Problem.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json, got " + (contentType == null ? "none" : "'" + contentType + "'")));
            return;
        }
        ctx.next();
    }

    static boolean isJson(final String contentType)
    {
        if (contentType == null)
        {
            return false;
        }
        final int semi = contentType.indexOf(';');
        final String mediaType = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    /** The request's one valid traceparent header (version 00), or null: for the log line of a failed request. */
    private static String requestTraceparent(final RoutingContext ctx)
    {
        final java.util.List<String> values = ctx.request().headers().getAll(JsonCodec.TRACEPARENT);
        if (values.size() != 1)
        {
            return null;
        }
        try
        {
            return dev.strand.engine.api.TraceParent.parse(values.get(0));
        }
        catch (final dev.strand.engine.api.InvalidCommandException ex)
        {
            return null;
        }
    }

    /** Every failure and unmatched route ends here: a problem body, never a stack trace. */
    private void failure(final RoutingContext ctx)
    {
        final int status = ctx.statusCode();
        final Throwable cause = ctx.failure();
        final Problem problem;
        if (cause instanceof ProblemException pe)
        {
            problem = pe.problem();
        }
        else
        {
            problem = switch (status)
            {
                case 400 -> Problem.malformed("the request could not be read");
                case 404 -> Problem.of(404, Problem.NOT_FOUND, "no such resource: " + ctx.request().method() + " " + ctx.request().path());
                case 405 -> Problem.of(405, Problem.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " +
                    ctx.request().path() + "; allowed: " + allowed.allow(ctx.request().path()));
                case 413 -> Problem.of(413, Problem.PAYLOAD_TOO_LARGE, "the body is larger than the limit of " +
                    services.config().bodyLimit() + " bytes (--body-limit)");
                case 415 -> Problem.of(415, Problem.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
                case 503 -> Problem.of(503, Problem.REQUEST_TIMEOUT,
                    "the request was not answered in time; a command's outcome is unknown: retry it with the same commandId");
                default -> Problem.of(500, Problem.INTERNAL_ERROR, "internal error; see the server log");
            };
        }
        if (problem.status() >= 500 && problem.status() != 503)
        {
            final String traceparent = requestTraceparent(ctx);
            CommandLogging.with(LOG.atError(), traceparent).setCause(cause).log("{} {} failed with {}{}",
                ctx.request().method(), ctx.request().path(), status, CommandLogging.trace(traceparent));
        }
        if (problem.status() == 413)
        {
            ctx.response().putHeader("Connection", "close");
        }
        if (problem.status() == 405)
        {
            ctx.response().putHeader("Allow", allowed.allow(ctx.request().path()));
        }
        Responses.problem(ctx, problem);
    }
}
