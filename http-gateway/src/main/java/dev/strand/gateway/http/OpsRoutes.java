package dev.strand.gateway.http;

import dev.strand.engine.api.EngineStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Health probes, {@code /metrics} (Prometheus text, scraped on a worker) and {@code /openapi.yaml}. */
final class OpsRoutes
{
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayServices services;
    private final io.vertx.core.buffer.Buffer schemas;

    OpsRoutes(final GatewayServices services)
    {
        this.services = services;
        this.schemas = io.vertx.core.buffer.Buffer.buffer(dev.strand.engine.api.SchemaCatalog.canonicalJson(
            dev.strand.engine.api.SchemaCatalog.of(services.engine().config().modules()).toTree()));
    }

    /** {@code GET /schemas}: the catalog, derived once from the modules ({@link dev.strand.engine.api.SchemaCatalog}). */
    void schemas(final RoutingContext ctx)
    {
        Responses.json(ctx, 200, schemas);
    }

    void live(final RoutingContext ctx)
    {
        Responses.json(ctx, 200, new JsonObject().put("status", "UP"));
    }

    void ready(final RoutingContext ctx)
    {
        final EngineStatus status = services.engine().status();
        if (status.ready() && !services.isDraining())
        {
            Responses.json(ctx, 200, new JsonObject().put("status", "UP").put("state", status.state().name()));
            return;
        }
        final String why = services.isDraining() ? "the server is shutting down"
            : status.haltReason() != null ? "the engine is " + status.state() + ": " + status.haltReason()
            : "the engine is " + status.state();
        final Problem problem = Problem.of(503, Problem.NOT_READY, why);
        Responses.problem(ctx.response(), problem,
            problem.toJson().put("state", services.isDraining() ? "DRAINING" : status.state().name()));
    }

    void metrics(final RoutingContext ctx)
    {
        services.queryWorkers().executeBlocking(() -> Buffer.buffer(services.registry().scrape()), false).onComplete(ar ->
        {
            if (ar.failed())
            {
                ctx.fail(ar.cause());
                return;
            }
            if (!ctx.response().ended())
            {
                ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(ar.result());
            }
        });
    }

    /** {@code GET /stats}: what the console charts ({@link ConsoleStats}). */
    void stats(final RoutingContext ctx)
    {
        Responses.json(ctx, 200, services.stats().read());
    }

    void openApi(final RoutingContext ctx)
    {
        ctx.response().putHeader("Content-Type", "application/yaml").end(services.openApiDocument());
    }
}
