package dev.strand.gateway.http;

import dev.strand.engine.api.Engine;
import dev.strand.engine.api.SnapshotSummary;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /admin/snapshots} (take one now) and {@code GET /admin/snapshots} (list, newest first). */
final class AdminRoutes
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

    private final Engine engine;
    private final WorkerExecutor workers;

    AdminRoutes(final Engine engine, final WorkerExecutor workers)
    {
        this.engine = engine;
        this.workers = workers;
    }

    void takeSnapshot(final RoutingContext ctx)
    {
        if (!engine.status().ready())
        {
            Responses.problem(ctx, Problem.of(503, Problem.NOT_READY, "the engine is " + engine.status().state()));
            return;
        }
        final Context context = Vertx.currentContext();
        engine.takeSnapshot().whenComplete((summary, failure) -> context.runOnContext(v ->
        {
            if (failure != null)
            {
                LOG.error("snapshot on request failed", failure);
                Responses.problem(ctx, Problem.of(500, "SNAPSHOT_FAILED", "the snapshot could not be written; see the server log"));
                return;
            }
            Responses.json(ctx, 200, JsonCodec.snapshot(summary));
        }));
    }

    void listSnapshots(final RoutingContext ctx)
    {
        workers.executeBlocking(() ->
        {
            final JsonArray list = new JsonArray();
            for (final SnapshotSummary s : engine.snapshots())
            {
                list.add(JsonCodec.snapshot(s));
            }
            return new JsonObject().put("snapshots", list).toBuffer();
        }, false).onComplete(ar ->
        {
            if (ar.failed())
            {
                ctx.fail(ar.cause());
                return;
            }
            Responses.json(ctx, 200, ar.result());
        });
    }
}
