package dev.strand.cluster;

import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.BatchCallback;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.ClusterView;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.EngineMetrics;
import dev.strand.engine.api.EngineStatus;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.EventPage;
import dev.strand.engine.api.NotLeaderException;
import dev.strand.engine.api.OutOfMemoryPolicy;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.api.SnapshotSummary;
import dev.strand.engine.api.StateHash;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.core.ReadSide;
import dev.strand.engine.spi.FieldReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine of one cluster member, behind the same {@link Engine} interface as the single node, so the gateway
 * serves both alike. Writes go through the {@link ClusterClient} to the leader, whichever member that is; the
 * answer comes once the leader has the command committed by a majority <em>and</em> this member's read model has
 * applied it from this member's journal (so the answering node has it, and a read on it right after sees it). Reads
 * and subscriptions come from this member's own journal ({@link ReadSide}), which its {@link StrandClusteredService}
 * writes from the replicated log.
 *
 * <p>Start: the node's journal is opened (taking the data directory's lock), Aeron's parts start, and the engine is
 * ready once the service has loaded its snapshot (the read side is seeded with a copy of that state, on the service's
 * thread, before the log replays). The log then replays behind it; reads see the journal as it already is.
 */
public final class ClusteredEngine implements Engine
{
    private final java.util.concurrent.atomic.AtomicBoolean backingUp = new java.util.concurrent.atomic.AtomicBoolean();
    private static final Logger LOG = LoggerFactory.getLogger(ClusteredEngine.class);
    private static final long START_TIMEOUT_NS = TimeUnit.MINUTES.toNanos(10);
    private static final long WATCH_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ClusterNodeConfig config;
    private final EngineConfig engineConfig;
    private final ClusterNode node;
    private final ReadSide reads;
    private final ClusterClient client;
    private final ClusterEngineMetrics metrics;
    private final Duration localJournalWait;
    private final AtomicReference<String> halted = new AtomicReference<>();
    private final long noQuorumAfterNs;
    private final Thread watcher;
    private volatile long lastLeaderSeenNs = System.nanoTime();
    private volatile boolean closed;
    private volatile boolean stopped;

    private ClusteredEngine(final ClusterNodeConfig config, final ClusterClient.Config clientConfig)
    {
        this.config = config;
        this.engineConfig = config.engine();
        OutOfMemoryPolicy.install();
        final ModuleRegistry registry = new ModuleRegistry(engineConfig.modules());
        final CompletableFuture<ReadSide> started = new CompletableFuture<>();
        node = ClusterNode.launch(config, registry, (journal, state) ->
        {
            try
            {
                final ReadSide side = new ReadSide(journal, registry, engineConfig);
                side.seed(state);
                side.start();
                started.complete(side);
            }
            catch (final RuntimeException | Error ex)
            {
                started.completeExceptionally(ex);
                throw ex;
            }
        });
        ClusterClient startedClient = null;
        try
        {
            reads = awaitStart(started);
            reads.onStopped(t -> halted.compareAndSet(null,
                "the read model cannot apply this member's journal (a broken invariant): " + t));
            startedClient = ClusterClient.start(clientConfig.aeronDirectoryName() != null ? clientConfig :
                clientConfig.withAeronDirectoryName(node.aeronDirectoryName()), registry, engineConfig.epochMicrosClock());
        }
        catch (final RuntimeException | Error ex)
        {
            final ReadSide side = started.getNow(null);
            if (side != null)
            {
                side.close();
            }
            node.close();
            throw ex;
        }
        client = startedClient;
        localJournalWait = Duration.ofNanos(clientConfig.requestTimeoutNs());
        noQuorumAfterNs = clientConfig.noQuorumAfterNs();
        watcher = new Thread(this::watch, "cluster-watch");
        watcher.setDaemon(true);
        watcher.start();
        metrics = new ClusterEngineMetrics(node, reads, client);
        LOG.info("cluster member {} ready: journal at position {}, snapshot loaded at {}", config.memberId(),
            node.journal().lastPosition(), node.service().snapshotLoadedPosition());
    }

    /** Starts this member: its journal, Aeron's parts, the service, the read side and a client on this node's driver. */
    public static ClusteredEngine start(final ClusterNodeConfig config, final long requestTimeoutNs)
    {
        final ClusterClient.Config defaults = ClusterClient.Config.defaults(null, config.members());
        return new ClusteredEngine(config, new ClusterClient.Config(null, defaults.ingressEndpoints(),
            config.members().member(config.memberId()).host(), defaults.termLength(), requestTimeoutNs,
            defaults.noQuorumAfterNs(), defaults.connectTimeoutNs(), config.idleStrategy()));
    }

    /** Waits for the service to load its state; fails at once if the service stopped instead. */
    private ReadSide awaitStart(final CompletableFuture<ReadSide> started)
    {
        final long deadline = System.nanoTime() + START_TIMEOUT_NS;
        while (true)
        {
            try
            {
                return started.get(100, TimeUnit.MILLISECONDS);
            }
            catch (final TimeoutException ex)
            {
                final Throwable failure = node.service().failure();
                if (failure != null)
                {
                    throw new IllegalStateException("the cluster member could not start: " + failure.getMessage(), failure);
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("the cluster member's service did not start within " +
                        TimeUnit.NANOSECONDS.toMinutes(START_TIMEOUT_NS) + " minutes");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster member started", ex);
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                throw new IllegalStateException("the cluster member could not start: " + ex.getCause().getMessage(),
                    ex.getCause());
            }
        }
    }

    public ClusterNode node()
    {
        return node;
    }

    @Override
    public Command newCommand(final String commandId, final String aggregateType, final String type,
        final String aggregateId, final long expectedVersion, final String correlationId, final FieldReader data)
    {
        return client.newCommand(commandId, aggregateType, type, aggregateId, expectedVersion, correlationId, data);
    }

    @Override
    public void submit(final Command command, final CommandCallback callback)
    {
        final Rejection refusal = refusal();
        if (refusal != null)
        {
            final CommandResult refused = CommandResult.rejected(command.commandId(), refusal);
            metrics.count(refused);
            callback.onComplete(refused);
            return;
        }
        final long startNs = System.nanoTime();
        client.send(command).whenComplete((result, failure) ->
        {
            if (failure != null)
            {
                final CommandResult unavailable = CommandResult.rejected(command.commandId(), unavailable(failure));
                metrics.count(unavailable);
                callback.onComplete(unavailable);
                return;
            }
            afterLocalJournal(result.accepted() ? result.position() : 0).whenComplete((ok, late) ->
            {
                final CommandResult answer = late == null ? result : CommandResult.rejected(command.commandId(), late(result.position()));
                metrics.count(answer);
                metrics.recordLatency(answer, startNs);
                callback.onComplete(answer);
            });
        });
    }

    @Override
    public void submitBatch(final List<Command> commands, final boolean atomic, final BatchCallback callback)
    {
        final Rejection refusal = refusal();
        if (refusal != null)
        {
            final BatchResult refused = BatchResult.allRejected(atomic, commands, refusal);
            refused.results().forEach(metrics::count);
            callback.onComplete(refused);
            return;
        }
        final long startNs = System.nanoTime();
        client.send(commands, atomic).whenComplete((result, failure) ->
        {
            if (failure != null)
            {
                final BatchResult unavailable = BatchResult.allRejected(atomic, commands, unavailable(failure));
                unavailable.results().forEach(metrics::count);
                callback.onComplete(unavailable);
                return;
            }
            long last = 0;
            for (final CommandResult r : result.results())
            {
                if (r.accepted())
                {
                    last = Math.max(last, r.position());
                }
            }
            final long position = last;
            afterLocalJournal(position).whenComplete((ok, late) ->
            {
                final BatchResult answer = late == null ? result : BatchResult.allRejected(atomic, commands, late(position));
                for (final CommandResult r : answer.results())
                {
                    metrics.count(r);
                    metrics.recordLatency(r, startNs);
                }
                callback.onComplete(answer);
            });
        });
    }

    /** Completes once this member's read model (and so its journal) has {@code position}; at once for 0. */
    private CompletableFuture<Long> afterLocalJournal(final long position)
    {
        if (position <= 0)
        {
            return CompletableFuture.completedFuture(0L);
        }
        return reads.await(position, localJournalWait);
    }

    private Rejection refusal()
    {
        if (closed)
        {
            return new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.HALTED, "the node is stopping", null, -1);
        }
        final String reason = haltReason();
        if (reason != null)
        {
            return new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.HALTED, "halted: " + reason, null, -1);
        }
        if (withoutQuorum())
        {
            return new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.NO_QUORUM, "this node cannot reach a majority " +
                "of the cluster's members (no leader for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() -
                lastLeaderSeenNs) + " ms); reads go on", null, -1);
        }
        return null;
    }

    private static Rejection late(final long position)
    {
        return new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.OUTCOME_UNKNOWN, "the cluster committed the " +
            "command, but this node's journal has not reached position " + position + " in time (this member lags); " +
            "retry with the same commandId, here or on another node", null, -1);
    }

    /**
     * Notes when this member last knew of a leader (its consensus module's view, every 50 ms, through
     * {@link #cluster()}, which also asks the client when the service has not seen the term begin): the gateway tells
     * a node without a majority (no leader for longer than an election takes) from one in an election.
     */
    private void watch()
    {
        while (!closed)
        {
            if (cluster().leaderMemberId() >= 0)
            {
                lastLeaderSeenNs = System.nanoTime();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(WATCH_INTERVAL_NS);
        }
    }

    /** Without a leader for longer than an election takes: this member cannot reach a majority. */
    private boolean withoutQuorum()
    {
        return cluster().leaderMemberId() < 0 && System.nanoTime() - lastLeaderSeenNs > noQuorumAfterNs;
    }

    private Rejection unavailable(final Throwable failure)
    {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
            failure.getCause() : failure;
        if (cause instanceof ClusterUnavailableException ex && ex.reason() == ClusterUnavailableException.Reason.NO_LEADER &&
            cluster().leaderMemberId() < 0 && withoutQuorum())
        {
            // never sent: this member's own consensus module knows better than the client that no majority is there.
            // A command that was sent (TIMEOUT) stays OUTCOME_UNKNOWN whatever the view: it may have been committed,
            // and NO_LEADER / NO_QUORUM promise it was not.
            return new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.NO_QUORUM, "this node cannot reach a majority " +
                "of the cluster's members (no leader for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() -
                lastLeaderSeenNs) + " ms)", null, -1);
        }
        if (cause instanceof ClusterUnavailableException ex && ex.reason() == ClusterUnavailableException.Reason.NO_QUORUM &&
            cluster().leaderMemberId() >= 0)
        {
            // never sent, and the client has not reached a leader in a while, but this member's consensus module
            // follows one: the client is (re)connecting, which is transient, not a lost majority
            return new Rejection(RejectionKind.UNAVAILABLE, ResultCodes.NO_LEADER, "the cluster's leader is member " +
                cluster().leaderMemberId() + ", but this node's cluster client has not reached it yet; retry", null, -1);
        }
        if (cause instanceof ClusterUnavailableException ex)
        {
            final String code = switch (ex.reason())
            {
                case NO_LEADER -> ResultCodes.NO_LEADER;
                case NO_QUORUM -> ResultCodes.NO_QUORUM;
                case TIMEOUT -> ResultCodes.OUTCOME_UNKNOWN;
                case CLOSED -> ResultCodes.HALTED;
            };
            return new Rejection(RejectionKind.UNAVAILABLE, code, ex.getMessage(), null, -1);
        }
        if (cause instanceof IllegalArgumentException tooLarge)
        {
            return new Rejection(RejectionKind.INVALID, ResultCodes.INVALID_FIELD, tooLarge.getMessage(), "commands", -1);
        }
        LOG.error("cluster request failed", cause);
        return new Rejection(RejectionKind.INTERNAL, ResultCodes.COMMAND_HANDLER_FAILED,
            "the cluster's answer could not be read: " + cause, null, -1);
    }

    private String haltReason()
    {
        final Throwable failure = node.service().failure();
        if (failure != null)
        {
            return "this member's clustered service stopped: " + failure.getMessage();
        }
        final Throwable fatal = node.fatalError();
        if (fatal != null)
        {
            return "this member's Aeron client stopped (" + fatal.getMessage() + "): restart the process";
        }
        return halted.get();
    }

    @Override
    public EngineStatus status()
    {
        if (stopped)
        {
            return new EngineStatus(EngineStatus.State.STOPPED, null);
        }
        if (closed)
        {
            return new EngineStatus(EngineStatus.State.STOPPING, null);
        }
        final String reason = haltReason();
        return reason != null ? new EngineStatus(EngineStatus.State.HALTED, reason) :
            new EngineStatus(EngineStatus.State.RUNNING, null);
    }

    @Override
    public ClusterView cluster()
    {
        return node.view(client::leaderMemberId);
    }

    @Override
    public dev.strand.journal.RetentionReport runRetention()
    {
        throw new UnsupportedOperationException("a cluster member runs no retention: a member replaying the " +
            "cluster's log from a snapshot reconciles its journal against the events it holds, so the journal keeps " +
            "every event (docs/operations.md, \"Cluster members\")");
    }

    /**
     * A member's backup: its journal up to the position it ends at when the copy starts, with the chain hash there,
     * copied beside the running service (no snapshot: a member's state is the cluster's snapshot, which a Strand
     * backup does not hold; the restore replays the journal). It restores a single node, or, with
     * {@code strand restore --cluster-seed} into every member's directory, a whole new cluster.
     */
    @Override
    public dev.strand.journal.BackupManifest backup(final java.nio.file.Path root)
    {
        if (!backingUp.compareAndSet(false, true))
        {
            throw new dev.strand.engine.api.BackupInProgressException();
        }
        try
        {
            return dev.strand.journal.JournalBackup.ofDataDirectory(node.config().engine().dataDir(), root);
        }
        finally
        {
            backingUp.set(false);
        }
    }

    @Override
    public dev.strand.journal.JournalHead journalHead()
    {
        return node.journal().head();
    }

    @Override
    public long journalPosition()
    {
        return node.journal().lastPosition();
    }

    @Override
    public long readModelPosition()
    {
        return reads.appliedPosition();
    }

    @Override
    public CompletableFuture<Long> awaitReadModel(final long position, final Duration timeout)
    {
        return reads.await(position, timeout);
    }

    @Override
    public Optional<AggregateView> aggregate(final String aggregateId)
    {
        return reads.aggregate(aggregateId);
    }

    @Override
    public Optional<AggregateView> aggregateAt(final String aggregateId, final long atVersion, final long atPosition)
    {
        return reads.aggregateAt(aggregateId, atVersion, atPosition);
    }

    @Override
    public EventPage aggregateEvents(final String aggregateId, final long fromVersion, final int limit)
    {
        return reads.aggregateEvents(aggregateId, fromVersion, limit);
    }

    @Override
    public EventPage readEvents(final long fromPosition, final int limit, final EventFilter filter, final int maxScan)
    {
        return reads.readEvents(fromPosition, limit, filter, maxScan);
    }

    @Override
    public Subscription subscribe(final long fromPosition, final EventFilter filter, final SubscriptionSink sink)
    {
        if (closed)
        {
            throw new IllegalStateException("the node is stopping");
        }
        return reads.subscribe(fromPosition, filter, sink);
    }

    /** This member's projections: each member folds its own copy of the journal, so they agree at equal positions. */
    @Override
    public List<dev.strand.engine.api.ProjectionStatus> projections()
    {
        return reads.projections();
    }

    @Override
    public Optional<dev.strand.engine.api.ProjectionStatus> projection(final String name)
    {
        return reads.projection(name);
    }

    @Override
    public Optional<dev.strand.engine.api.ProjectionRow> projectionRow(final String name, final String key)
    {
        return reads.projectionRow(name, key);
    }

    /** Rebuilds this member's projection only (from its own journal); the other members are untouched. */
    @Override
    public CompletableFuture<dev.strand.engine.api.RebuildResult> rebuildProjection(final String name,
        final boolean dryRun)
    {
        return reads.rebuildProjection(name, dryRun);
    }

    /**
     * Asks the cluster for a snapshot: only the leader can (it puts the request into the log, and every member then
     * snapshots at the same log position); completes when this member has written its own.
     */
    @Override
    public CompletableFuture<SnapshotSummary> takeSnapshot()
    {
        final CompletableFuture<SnapshotSummary> next = node.service().nextSnapshot();
        if (!node.requestSnapshot())
        {
            final int leader = cluster().leaderMemberId();
            next.completeExceptionally(new NotLeaderException(leader, node.isLeader() ?
                "a snapshot is already being taken" : "only the leader takes a cluster snapshot on request; " +
                (leader >= 0 ? "the leader is member " + leader : "there is no leader at the moment")));
        }
        return next;
    }

    @Override
    public List<SnapshotSummary> snapshots()
    {
        final SnapshotSummary last = node.service().lastSnapshot();
        return last == null ? List.of() : List.of(last);
    }

    @Override
    public CompletableFuture<Long> stateHash()
    {
        return positionedStateHash().thenApply(StateHash::hash);
    }

    @Override
    public CompletableFuture<StateHash> positionedStateHash()
    {
        return node.service().stateHash().thenApply(ph -> new StateHash(ph[0], ph[1]));
    }

    @Override
    public EngineMetrics metrics()
    {
        return metrics;
    }

    @Override
    public EngineConfig config()
    {
        return engineConfig;
    }

    /** Stops taking commands, closes the client, the read side and the member (service, consensus, archive, driver). */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        java.util.concurrent.locks.LockSupport.unpark(watcher);
        client.close();
        final long last = journalPosition();
        reads.close();
        node.close();
        stopped = true;
        LOG.info("cluster member {} stopped at journal position {}", config.memberId(), last);
    }
}
