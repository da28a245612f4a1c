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

/**
 * {@code POST /admin/snapshots} (take one now), {@code GET /admin/snapshots} (list, newest first), the cluster view,
 * the state hash and the journal's head.
 */
final class AdminRoutes
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

    private static final int STATE_HASH_TIMEOUT_SECONDS = 10;

    private final Engine engine;
    private final WorkerExecutor workers;
    private final java.nio.file.Path backupDir;

    AdminRoutes(final Engine engine, final WorkerExecutor workers, final java.nio.file.Path backupDir)
    {
        this.engine = engine;
        this.workers = workers;
        this.backupDir = backupDir;
    }

    /**
     * {@code POST /admin/backups}: an online backup into the backup directory while commands go on (on a worker: the
     * journal copy blocks).
     */
    void takeBackup(final RoutingContext ctx)
    {
        if (!engine.status().ready())
        {
            Responses.problem(ctx, Problem.of(503, Problem.NOT_READY, "the engine is " + engine.status().state()));
            return;
        }
        workers.executeBlocking(() -> engine.backup(backupDir), false).onComplete(ar ->
        {
            if (ar.succeeded())
            {
                Responses.json(ctx, 200, JsonCodec.backup(ar.result()));
                return;
            }
            final Throwable cause = ar.cause();
            if (cause instanceof dev.strand.engine.api.BackupInProgressException)
            {
                Responses.problem(ctx, Problem.of(409, "BACKUP_IN_PROGRESS", cause.getMessage()));
            }
            else if (cause instanceof UnsupportedOperationException)
            {
                Responses.problem(ctx, Problem.of(409, "CLUSTER_MEMBER", cause.getMessage()));
            }
            else if (cause instanceof dev.strand.journal.BackupException)
            {
                LOG.error("backup on request failed: {}", cause.getMessage());
                Responses.problem(ctx, Problem.of(500, "BACKUP_FAILED", oneLine(cause.getMessage())));
            }
            else
            {
                LOG.error("backup on request failed", cause);
                Responses.problem(ctx, Problem.of(500, "BACKUP_FAILED", "the backup could not be taken; see the server log"));
            }
        });
    }

    /** {@code POST /admin/journal/retention}: runs the retention policy now (on a worker: it copies files). */
    void runRetention(final RoutingContext ctx)
    {
        workers.executeBlocking(engine::runRetention, false).onComplete(ar ->
        {
            if (ar.failed() && ar.cause() instanceof UnsupportedOperationException)
            {
                Responses.problem(ctx, Problem.of(409, "CLUSTER_MEMBER", ar.cause().getMessage()));
                return;
            }
            if (ar.failed())
            {
                ctx.fail(ar.cause());
                return;
            }
            final dev.strand.journal.RetentionReport r = ar.result();
            Responses.json(ctx, 200, new JsonObject()
                .put("ok", r.ok())
                .put("detail", r.detail())
                .put("cycleFilesMoved", r.cyclesMoved())
                .put("eventsMoved", r.eventsMoved())
                .put("bytesMoved", r.bytesMoved())
                .put("firstPosition", r.firstPosition())
                .put("ranAt", java.time.Instant.ofEpochMilli(r.ranAtEpochMillis()).toString())
                .put("durationMillis", r.durationMillis()));
        });
    }

    /** {@code GET /admin/backups}: the backups in the backup directory, newest first. */
    void listBackups(final RoutingContext ctx)
    {
        workers.executeBlocking(() ->
        {
            final JsonArray list = new JsonArray();
            for (final dev.strand.journal.BackupManifest m : dev.strand.journal.JournalBackup.list(backupDir))
            {
                list.add(JsonCodec.backup(m));
            }
            return new JsonObject().put("backupDir", backupDir.toAbsolutePath().normalize().toString())
                .put("backups", list).toBuffer();
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

    private static String oneLine(final String text)
    {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
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
            final Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ?
                failure.getCause() : failure;
            if (cause instanceof dev.strand.engine.api.NotLeaderException notLeader)
            {
                final Problem problem = Problem.of(409, dev.strand.engine.api.ResultCodes.NOT_LEADER, notLeader.getMessage());
                Responses.problem(ctx.response(), problem, problem.toJson().put("leaderMemberId", notLeader.leaderMemberId()));
                return;
            }
            if (failure != null)
            {
                LOG.error("snapshot on request failed", failure);
                Responses.problem(ctx, Problem.of(500, "SNAPSHOT_FAILED", "the snapshot could not be written; see the server log"));
                return;
            }
            Responses.json(ctx, 200, JsonCodec.snapshot(summary));
        }));
    }

    /** {@code GET /admin/cluster}: this node's place in its cluster (alone: the leader of a cluster of one). */
    void cluster(final RoutingContext ctx)
    {
        final dev.strand.engine.api.ClusterView v = engine.cluster();
        final JsonObject body = new JsonObject()
            .put("memberId", v.memberId())
            .put("role", v.role())
            .put("leaderMemberId", v.leaderMemberId())
            .put("clusterSize", v.clusterSize())
            .put("journalPosition", v.journalPosition());
        if (v.clustered())
        {
            body.put("commitPosition", v.commitPosition())
                .put("appliedLogPosition", v.appliedLogPosition())
                .put("journalLagBytes", v.journalLagBytes())
                .put("elections", v.elections());
        }
        Responses.json(ctx, 200, body);
    }

    /** {@code GET /admin/state-hash}: the whole state's hash at the position it was computed at. */
    void stateHash(final RoutingContext ctx)
    {
        final Context context = Vertx.currentContext();
        engine.positionedStateHash().orTimeout(STATE_HASH_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
            .whenComplete((hash, failure) -> context.runOnContext(v ->
            {
                if (failure != null)
                {
                    Responses.problem(ctx, Problem.of(503, Problem.NOT_READY, "the state hash could not be computed " +
                        "within " + STATE_HASH_TIMEOUT_SECONDS + " s: the engine is " + engine.status().state()));
                    return;
                }
                Responses.json(ctx, 200, new JsonObject().put("position", hash.position()).put("stateHash", hash.hex()));
            }));
    }

    /** {@code GET /admin/journal/head}: the newest link of the hash chain and the first position served. */
    void journalHead(final RoutingContext ctx)
    {
        final dev.strand.journal.JournalHead head = engine.journalHead();
        Responses.json(ctx, 200, new JsonObject()
            .put("position", head.position())
            .put("hash", head.hash())
            .put("firstPosition", head.firstPosition()));
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
