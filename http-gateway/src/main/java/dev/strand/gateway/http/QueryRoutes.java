package dev.strand.gateway.http;

import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.EventPage;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The read side: {@code GET /aggregates/{id}} (current state, read-your-writes with {@code minPosition}, temporal
 * with {@code atVersion}/{@code atPosition}), {@code GET /aggregates/{id}/events} and {@code GET /events}. Current
 * state comes from the engine's read model (cheap, on the event loop); everything that reads the journal runs on the
 * query workers.
 */
final class QueryRoutes
{
    static final int DEFAULT_AGGREGATE_PAGE = 100;
    static final int DEFAULT_EVENTS_PAGE = 1000;

    private final Engine engine;
    private final WorkerExecutor workers;
    private final Duration readWaitTimeout;
    private final int maxLimit;
    private final int maxScan;

    QueryRoutes(final Engine engine, final WorkerExecutor workers, final long readWaitTimeoutMs, final int maxLimit, final int maxScan)
    {
        this.engine = engine;
        this.workers = workers;
        this.readWaitTimeout = Duration.ofMillis(readWaitTimeoutMs);
        this.maxLimit = maxLimit;
        this.maxScan = maxScan;
    }

    void aggregate(final RoutingContext ctx)
    {
        final String id;
        final long atVersion;
        final long atPosition;
        final long minPosition;
        try
        {
            final MultiMap params = ctx.queryParams();
            id = Params.aggregateId(ctx.pathParam("aggregateId"), "aggregateId");
            atVersion = Params.longParam(params, "atVersion", 0, 1, Long.MAX_VALUE);
            atPosition = Params.longParam(params, "atPosition", 0, 1, Long.MAX_VALUE);
            minPosition = Params.longParam(params, "minPosition", 0, 0, Long.MAX_VALUE);
            if (atVersion > 0 && atPosition > 0)
            {
                throw new ProblemException(Problem.invalidField("atPosition", "give atVersion or atPosition, not both"));
            }
        }
        catch (final ProblemException ex)
        {
            Responses.problem(ctx, ex.problem());
            return;
        }

        if (atVersion > 0 || atPosition > 0)
        {
            blockingAfterCatchUp(ctx, () ->
            {
                final Optional<AggregateView> view = engine.aggregateAt(id, atVersion, atPosition);
                if (view.isPresent())
                {
                    return Answer.ok(JsonCodec.aggregate(view.get()).toBuffer());
                }
                if (atVersion > 0 && engine.aggregate(id).isPresent())
                {
                    return Answer.problem(Problem.of(404, Problem.VERSION_NOT_FOUND,
                        "aggregate " + id + " has no version " + atVersion + " yet"));
                }
                return Answer.problem(notFound(id, atPosition));
            });
            return;
        }

        if (minPosition > 0 && engine.readModelPosition() < minPosition)
        {
            final Context context = Vertx.currentContext();
            engine.awaitReadModel(minPosition, readWaitTimeout).whenComplete((applied, failure) -> context.runOnContext(v ->
            {
                if (failure != null)
                {
                    Responses.problem(ctx, Problem.of(504, Problem.READ_MODEL_TIMEOUT,
                        "the read side has not applied position " + minPosition + " within " + readWaitTimeout.toMillis() + " ms")
                        .withRetryAfter(1));
                    return;
                }
                current(ctx, id);
            }));
            return;
        }
        current(ctx, id);
    }

    private void current(final RoutingContext ctx, final String id)
    {
        final Optional<AggregateView> view = engine.aggregate(id);
        if (view.isEmpty())
        {
            Responses.problem(ctx, notFound(id, 0));
            return;
        }
        Responses.json(ctx, 200, JsonCodec.aggregate(view.get()));
    }

    void aggregateEvents(final RoutingContext ctx)
    {
        final String id;
        final long fromVersion;
        final int limit;
        try
        {
            final MultiMap params = ctx.queryParams();
            id = Params.aggregateId(ctx.pathParam("aggregateId"), "aggregateId");
            fromVersion = Params.longParam(params, "fromVersion", 1, 1, Long.MAX_VALUE);
            limit = (int)Params.longParam(params, "limit", Math.min(DEFAULT_AGGREGATE_PAGE, maxLimit), 1, maxLimit);
        }
        catch (final ProblemException ex)
        {
            Responses.problem(ctx, ex.problem());
            return;
        }
        blockingAfterCatchUp(ctx, () ->
        {
            final EventPage page = engine.aggregateEvents(id, fromVersion, limit);
            if (page.events().isEmpty() && fromVersion == 1)
            {
                return Answer.problem(notFound(id, 0));
            }
            return Answer.ok(EventJsonWriter.page(page.events(), "nextVersion", page.next()));
        });
    }

    void events(final RoutingContext ctx)
    {
        final long fromPosition;
        final int limit;
        final EventFilter filter;
        try
        {
            final MultiMap params = ctx.queryParams();
            fromPosition = Params.longParam(params, "fromPosition", 1, 1, Long.MAX_VALUE);
            limit = (int)Params.longParam(params, "limit", Math.min(DEFAULT_EVENTS_PAGE, maxLimit), 1, maxLimit);
            filter = Params.filter(params);
        }
        catch (final ProblemException ex)
        {
            Responses.problem(ctx, ex.problem());
            return;
        }
        blocking(ctx, () ->
        {
            final EventPage page = engine.readEvents(fromPosition, limit, filter, maxScan);
            return Answer.ok(EventJsonWriter.page(page.events(), "nextPosition", page.next()));
        });
    }

    private static Problem notFound(final String id, final long atPosition)
    {
        return Problem.of(404, Problem.AGGREGATE_NOT_FOUND, atPosition > 0
            ? "aggregate " + id + " did not exist at position " + atPosition
            : "aggregate " + id + " does not exist");
    }

    /**
     * Temporal queries and aggregate event pages find an aggregate's events through the read side's index, so they
     * first wait (bounded, like {@code minPosition}) until the read side has applied everything journaled when the
     * request arrived: an acknowledged event is always in the answer.
     */
    private void blockingAfterCatchUp(final RoutingContext ctx, final Callable<Answer> work)
    {
        final long target = engine.journalPosition();
        if (engine.readModelPosition() >= target)
        {
            blocking(ctx, work);
            return;
        }
        final Context context = Vertx.currentContext();
        engine.awaitReadModel(target, readWaitTimeout).whenComplete((applied, failure) -> context.runOnContext(v ->
        {
            if (failure != null)
            {
                Responses.problem(ctx, Problem.of(504, Problem.READ_MODEL_TIMEOUT,
                    "the read side has not applied position " + target + " within " + readWaitTimeout.toMillis() + " ms")
                    .withRetryAfter(1));
                return;
            }
            blocking(ctx, work);
        }));
    }

    /** Runs a journal read on the query workers and answers on the request's context. */
    private void blocking(final RoutingContext ctx, final Callable<Answer> work)
    {
        workers.executeBlocking(work, false).onComplete(ar ->
        {
            if (ar.failed() && ar.cause() instanceof dev.strand.journal.JournalArchivedException archived)
            {
                Responses.problem(ctx.response(), archived(archived), archived(archived).toJson()
                    .put("firstPosition", archived.firstPosition()));
                return;
            }
            if (ar.failed())
            {
                ctx.fail(ar.cause());
                return;
            }
            final Answer answer = ar.result();
            if (answer.problem() != null)
            {
                Responses.problem(ctx, answer.problem());
            }
            else
            {
                Responses.json(ctx, 200, answer.body());
            }
        });
    }

    /** 410 ARCHIVED: what was asked for needs events retention moved out of the journal. */
    static Problem archived(final dev.strand.journal.JournalArchivedException ex)
    {
        return Problem.of(410, Problem.ARCHIVED, ex.getMessage());
    }

    /** What a worker hands back: an encoded 200 body or a problem. */
    record Answer(Buffer body, Problem problem)
    {
        static Answer ok(final Buffer body)
        {
            return new Answer(body, null);
        }

        static Answer problem(final Problem problem)
        {
            return new Answer(null, problem);
        }
    }
}
