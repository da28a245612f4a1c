package dev.strand.gateway.http;

import dev.strand.engine.api.Engine;
import dev.strand.engine.api.ProjectionException;
import dev.strand.engine.api.ProjectionRow;
import dev.strand.engine.api.ProjectionStatus;
import dev.strand.engine.api.RebuildResult;
import dev.strand.engine.spi.MapFieldWriter;
import dev.strand.engine.spi.Projection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * {@code GET /projections} (every projection's position, lag, status and errors), {@code GET /projections/{name}/{key}}
 * (one row) and {@code POST /admin/projections/{name}/rebuild[?dryRun=true]}. Rows are read from the projection's
 * concurrent map on the event loop; a rebuild runs on the projections' thread and answers when it has compared.
 */
final class ProjectionRoutes
{
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRoutes.class);

    private final Engine engine;

    ProjectionRoutes(final Engine engine)
    {
        this.engine = engine;
    }

    /** {@code GET /projections}. */
    void list(final RoutingContext ctx)
    {
        final JsonArray list = new JsonArray();
        for (final ProjectionStatus s : engine.projections())
        {
            list.add(status(s));
        }
        Responses.json(ctx, 200, new JsonObject().put("journalPosition", engine.journalPosition()).put("projections", list));
    }

    static JsonObject status(final ProjectionStatus s)
    {
        final JsonObject json = new JsonObject()
            .put("name", s.name())
            .put("position", s.position())
            .put("lag", s.lag())
            .put("status", s.status())
            .put("errors", s.errors())
            .put("errorPolicy", s.errorPolicy())
            .put("rows", s.rows())
            .put("checkpointPosition", s.checkpoint());
        if (s.error() != null)
        {
            json.put("error", s.error()).put("errorPosition", s.errorPosition());
        }
        return json;
    }

    /** {@code GET /projections/{name}/{key}}. */
    void row(final RoutingContext ctx)
    {
        final String name = ctx.pathParam("name");
        final String key = ctx.pathParam("key");
        if (key == null || key.isEmpty() || key.length() > Projection.MAX_KEY_LENGTH || hasControl(key))
        {
            Responses.problem(ctx, Problem.invalidField("key", "key must be 1.." + Projection.MAX_KEY_LENGTH +
                " characters without control characters"));
            return;
        }
        final Optional<ProjectionRow> row;
        try
        {
            row = engine.projectionRow(name, key);
        }
        catch (final ProjectionException ex)
        {
            Responses.problem(ctx, problem(ex));
            return;
        }
        if (row.isEmpty())
        {
            Responses.problem(ctx, Problem.of(404, Problem.NOT_FOUND, "projection " + name + " has no row " + key));
            return;
        }
        final MapFieldWriter fields = new MapFieldWriter();
        row.get().writeRow(fields);
        Responses.json(ctx, 200, new JsonObject()
            .put("projection", name)
            .put("key", key)
            .put("position", row.get().position())
            .put("row", new JsonObject(fields.fields())));
    }

    /** {@code POST /admin/projections/{name}/rebuild}. */
    void rebuild(final RoutingContext ctx)
    {
        final String dryRunParam = ctx.queryParams().get("dryRun");
        if (dryRunParam != null && !dryRunParam.equals("true") && !dryRunParam.equals("false"))
        {
            Responses.problem(ctx, Problem.invalidField("dryRun", "dryRun must be true or false"));
            return;
        }
        final boolean dryRun = "true".equals(dryRunParam);
        final String name = ctx.pathParam("name");
        final Context context = Vertx.currentContext();
        engine.rebuildProjection(name, dryRun).whenComplete((result, failure) -> context.runOnContext(v ->
        {
            if (failure == null)
            {
                Responses.json(ctx, 200, json(result));
                return;
            }
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
                failure.getCause() : failure;
            if (cause instanceof ProjectionException pe)
            {
                Responses.problem(ctx, problem(pe));
                return;
            }
            LOG.error("rebuild of projection {} failed", name, cause);
            Responses.problem(ctx, Problem.of(500, Problem.INTERNAL_ERROR, "the rebuild failed; see the server log"));
        }));
    }

    static JsonObject json(final RebuildResult r)
    {
        return new JsonObject()
            .put("position", r.position())
            .put("rowsCompared", r.rowsCompared())
            .put("rowsDiffering", r.rowsDiffering())
            .put("swapped", r.swapped());
    }

    /** The one place a projection's refusal becomes a status. */
    static Problem problem(final ProjectionException ex)
    {
        return switch (ex.code())
        {
            case ProjectionException.NOT_FOUND -> Problem.of(404, Problem.NOT_FOUND, ex.getMessage());
            case ProjectionException.ARCHIVED -> Problem.of(409, Problem.ARCHIVED, ex.getMessage());
            default -> Problem.of(409, ex.code(), ex.getMessage());
        };
    }

    private static boolean hasControl(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (Character.isISOControl(s.charAt(i)))
            {
                return true;
            }
        }
        return false;
    }
}
