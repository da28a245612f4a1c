package dev.strand.engine.api;

import dev.strand.engine.core.StrandEngine;
import dev.strand.engine.spi.FieldReader;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The engine: one writer thread owns all aggregate state; commands enter through a ring buffer, their events are
 * journaled before anyone hears of them. Thread-safe: any thread may submit, query and subscribe.
 */
public interface Engine extends AutoCloseable
{
    /** Opens the journal, recovers (newest valid snapshot + journal tail) and starts the pipeline. */
    static Engine start(final EngineConfig config)
    {
        return StrandEngine.start(config);
    }

    /**
     * Builds a command at ingress: resolves its type, validates the envelope, decodes {@code data} with the
     * module's decoder and stamps the ingress time.
     *
     * @param commandId       idempotency key, 1..128 chars, or null to generate one.
     * @param aggregateType   the aggregate type whose command {@code type} is; null when the name is registered by one
     *                        aggregate type only (a name several register then needs it: AMBIGUOUS_COMMAND_TYPE).
     * @param expectedVersion {@link Command#ANY_VERSION}, {@link Command#NO_AGGREGATE} or a version >= 0.
     * @throws InvalidCommandException with UNKNOWN_AGGREGATE_TYPE, UNKNOWN_COMMAND_TYPE, AMBIGUOUS_COMMAND_TYPE or
     *                                 INVALID_FIELD (naming {@code aggregateId}, {@code data.amount},
     *                                 {@code data.lines[1].sku}, ...).
     */
    Command newCommand(String commandId, String aggregateType, String type, String aggregateId, long expectedVersion,
        String correlationId, FieldReader data);

    /** {@link #newCommand(String, String, String, String, long, String, FieldReader)} with the type named alone. */
    default Command newCommand(
        final String commandId, final String type, final String aggregateId, final long expectedVersion,
        final String correlationId, final FieldReader data)
    {
        return newCommand(commandId, null, type, aggregateId, expectedVersion, correlationId, data);
    }

    /** Submits one command; never blocks. A full ring answers OVERLOADED at once, on this thread. */
    void submit(Command command, CommandCallback callback);

    /**
     * Submits a batch, executed in order in one ring slot. {@code atomic}: all are journaled together or none
     * is (the first rejection rolls back the batch); otherwise each command stands on its own.
     */
    void submitBatch(List<Command> commands, boolean atomic, BatchCallback callback);

    /** Convenience for tests and tools: {@link #submit} as a future. */
    default CompletableFuture<CommandResult> submit(final Command command)
    {
        final CompletableFuture<CommandResult> future = new CompletableFuture<>();
        submit(command, future::complete);
        return future;
    }

    /** Lifecycle state and halt reason. */
    EngineStatus status();

    /** Last journaled position. */
    long journalPosition();

    /**
     * The newest link of the journal's hash chain (last position and its chain hash) and the first position the
     * journal still serves; any thread.
     */
    dev.strand.journal.JournalHead journalHead();

    /** Last position the read model has applied. */
    long readModelPosition();

    /**
     * Completes when the read model has applied {@code position} (read-your-writes), with the applied position;
     * completes exceptionally with {@link java.util.concurrent.TimeoutException} after {@code timeout}.
     */
    CompletableFuture<Long> awaitReadModel(long position, Duration timeout);

    /** An aggregate's current state from the read model (never the writer's). */
    Optional<AggregateView> aggregate(String aggregateId);

    /**
     * Temporal query: the aggregate as it was after its version {@code atVersion} (when >= 1) or as of global
     * position {@code atPosition} (when >= 1), rebuilt from the journal. Blocking: call off event loops.
     *
     * @return empty when the aggregate did not exist then or the version is beyond its current one.
     */
    Optional<AggregateView> aggregateAt(String aggregateId, long atVersion, long atPosition);

    /** One aggregate's events from {@code fromVersion}, in version order. Blocking journal read. */
    EventPage aggregateEvents(String aggregateId, long fromVersion, int limit);

    /**
     * The global log from {@code fromPosition}, filtered; scans at most {@code maxScan} records. Blocking journal
     * read. {@link EventPage#next()} is the position to continue from.
     */
    EventPage readEvents(long fromPosition, int limit, EventFilter filter, int maxScan);

    /**
     * Subscribes from {@code fromPosition} (1 = from the start; 0 = live only, from the next event), filtered.
     * Events arrive in position order with no gap and no duplicate, from the journal while behind and from memory
     * once caught up.
     */
    Subscription subscribe(long fromPosition, EventFilter filter, SubscriptionSink sink);

    /** Every projection ({@link dev.strand.engine.spi.Projection}) with its position, lag, status and errors, by name. */
    List<ProjectionStatus> projections();

    /** One projection's status, or empty when there is none of that name. */
    Optional<ProjectionStatus> projection(String name);

    /**
     * One row of a projection's live rows.
     *
     * @return empty when the projection has no row at {@code key}.
     * @throws ProjectionException NOT_FOUND when there is no projection of that name.
     */
    Optional<ProjectionRow> projectionRow(String name, String key);

    /**
     * Replays a projection from position 1 into a shadow, on the projections' thread while the live rows go on, and
     * compares the shadow with the live rows at the same position. A dry run swaps nothing; otherwise the shadow
     * replaces the live rows (and is checkpointed). Fails with a {@link ProjectionException}: NOT_FOUND,
     * REBUILD_IN_PROGRESS (one rebuild per projection at a time), ARCHIVED (the journal no longer serves position 1)
     * or REBUILD_FAILED (the shadow's fold failed under the stop policy; the live rows are untouched).
     */
    CompletableFuture<RebuildResult> rebuildProjection(String name, boolean dryRun);

    /** Takes a snapshot now (off the write path); completes with its summary. */
    CompletableFuture<SnapshotSummary> takeSnapshot();

    /** Snapshots on disk, newest first. */
    List<SnapshotSummary> snapshots();

    /**
     * Takes an online backup into {@code root} while commands go on: a snapshot at a commit's end written straight into
     * the backup (with the state hash there), then the journal up to that position, then the manifest. Blocking (the
     * journal copy runs on the caller's thread): call off event loops.
     *
     * @param root the backup root; the backup is a new {@code backup-<position>-<millis>} directory in it.
     * @return the backup's manifest.
     * @throws BackupInProgressException           if another backup of this engine is being taken.
     * @throws dev.strand.journal.BackupException  if it cannot be written (nothing partial is left under its name).
     * @throws UnsupportedOperationException        where the driver cannot take one (a cluster member).
     */
    dev.strand.journal.BackupManifest backup(java.nio.file.Path root);

    /**
     * Runs the journal's retention policy now ({@code --retention-age}, {@code --retention-action}, {@code --archive-dir}):
     * moves out every cycle file old enough whose positions recovery no longer needs. Blocking: call off event loops.
     *
     * @return what the run did (a failure is reported in it, not thrown).
     * @throws UnsupportedOperationException where the driver runs no retention (a cluster member).
     */
    dev.strand.journal.RetentionReport runRetention();

    /** A hash of the writer's whole state (aggregates and idempotency window), computed on the writer thread. */
    CompletableFuture<Long> stateHash();

    /** {@link #stateHash} with the journal position it was computed at (both read on the thread that owns the state). */
    CompletableFuture<StateHash> positionedStateHash();

    /** This node's place in its cluster; a node alone is the leader of a cluster of one. */
    default ClusterView cluster()
    {
        return ClusterView.alone(journalPosition());
    }

    EngineMetrics metrics();

    EngineConfig config();

    /**
     * Stops taking commands (new ones get HALTED "stopping"), drains the ring, writes a final snapshot when
     * configured, and closes the journal. Idempotent.
     */
    @Override
    void close();
}
