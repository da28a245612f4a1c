package dev.strand.cluster;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.core.CommandFactory;
import dev.strand.engine.core.EngineCore;
import dev.strand.engine.core.EngineState;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.core.Outcome;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster driver: the engine core as an Aeron Cluster clustered service. The replicated log is the sequencer
 * and the durable record of commands; {@link #onSessionMessage} decodes each message ({@link CommandMessages}) and runs
 * the same {@link EngineCore} as the single node, in log order, on every member, journaling the events into this
 * member's own journal. The leader answers through egress ({@link ReplyMessages}); on followers and during replay
 * Aeron mocks egress (docs/cluster.md, trap 5), so nothing is encoded there.
 *
 * <p>What is replicated is the log of commands; what each member derives from it, deterministically, is its journal
 * and its {@link EngineState} (aggregates, idempotency window, position). Time is in the command (stamped at
 * ingress); nothing here reads a clock while deciding.
 *
 * <p>Restart: the state comes from the newest cluster snapshot ({@link ServiceSnapshot}) or, without one, starts
 * empty; then Aeron replays the log after it. The journal is reconciled on that replay ({@link ReconcilingAppender}):
 * what it already holds is checked, not written again. The journal is never trusted as a source of state, so the one
 * rule is: state = snapshot (or nothing) + log; journal = what that replay produces, written once.
 *
 * <p>Error policy: a message that does not follow the format, or whose reads this member's decoders refuse, is
 * rejected ({@code MALFORMED_REQUEST}) the same way on every member. A journal failure (I/O, disk full) or a journal
 * that disagrees with the log stops this member's service at once ({@link AgentTerminationException}): it must not
 * skip a message the others applied. The others go on; this member, restarted, replays from its snapshot.
 */
public final class StrandClusteredService implements ClusteredService
{
    /** Told, on the service's thread, once the state is loaded at start (before the log replays). */
    @FunctionalInterface
    public interface StartListener
    {
        /**
         * @param journal this member's journal.
         * @param state   the state as loaded from the snapshot (or empty): copy it, do not keep it (the service
         *                goes on changing it on its own thread).
         */
        void onStarted(Journal journal, EngineState state);
    }

    private static final Logger LOG = LoggerFactory.getLogger(StrandClusteredService.class);
    private static final int OFFER_ATTEMPTS = 20;
    private static final long SNAPSHOT_CHECK_INTERVAL_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    private final ModuleRegistry registry;
    private final Journal journal;
    private final int windowCapacity;
    private final CommandFactory factory;
    private final CommandMessageDecoder decoder;
    private final ReplyMessages.Encoder reply = new ReplyMessages.Encoder();
    private final EventRecord record = new EventRecord();
    private final List<Command> batch = new ArrayList<>();
    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();
    private final boolean flushJournal;
    private final long snapshotEveryEvents;
    private final long snapshotEveryNs;

    private Cluster cluster;
    private EngineState state;
    private EngineCore core;
    private ReconcilingAppender appender;
    private JournalReader reader;
    private boolean unflushed;
    private long lastSnapshotPosition;
    private long lastSnapshotNs = Long.MIN_VALUE;
    private long nextSnapshotCheckNs;
    private org.agrona.concurrent.status.AtomicCounter controlToggle;

    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile long journalPosition;
    private volatile long snapshotLoadedPosition = -1;
    private volatile long messages;
    private volatile long droppedReplies;
    private volatile long rejectedMessages;
    private volatile long snapshotsTaken;
    private volatile int leaderMemberId = -1;
    private volatile long leadershipTerms;
    private volatile Throwable failure;
    private volatile long appliedLogPosition;
    private volatile dev.strand.engine.api.SnapshotSummary lastSnapshot;
    private final java.util.concurrent.ConcurrentLinkedQueue<CompletableFuture<dev.strand.engine.api.SnapshotSummary>>
        snapshotWaiters = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private StartListener startListener = (journal, state) -> { };
    private java.util.function.Supplier<EngineState> seedState;
    private dev.strand.journal.ClusterSeed seed;
    /** Seeded with no cluster snapshot yet: the leader asks for one at once, so a member that joins later gets it. */
    private boolean seedAwaitingSnapshot;

    /**
     * @param journal        this member's journal, open (its lock held by the node).
     * @param windowCapacity the idempotency window: part of the replicated state, so equal on every member.
     * @param flushJournal   group-commit the journal (sync durability) once per duty cycle.
     * @param snapshotEveryEvents the leader asks for a cluster snapshot after this many events since the last (0: never).
     * @param snapshotEverySeconds or after this many seconds, if anything was journaled (0: never).
     */
    public StrandClusteredService(final ModuleRegistry registry, final Journal journal, final int windowCapacity,
        final boolean flushJournal, final long snapshotEveryEvents, final long snapshotEverySeconds)
    {
        this.registry = registry;
        this.journal = journal;
        this.windowCapacity = windowCapacity;
        this.flushJournal = flushJournal;
        this.snapshotEveryEvents = snapshotEveryEvents;
        this.snapshotEveryNs = java.util.concurrent.TimeUnit.SECONDS.toNanos(snapshotEverySeconds);
        this.factory = new CommandFactory(registry, () ->
        {
            throw new IllegalStateException("members build commands from the log; they never stamp time");
        });
        this.decoder = new CommandMessageDecoder(factory);
    }

    /** Before the node starts: who is told when the state is loaded. */
    void startListener(final StartListener listener)
    {
        this.startListener = listener;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        this.state = EngineState.empty(registry, windowCapacity);
        this.reader = journal.newReader();
        this.appender = new ReconcilingAppender(journal);
        if (snapshotImage == null && seedState != null)
        {
            try
            {
                this.state = seedState.get();
            }
            catch (final RuntimeException ex)
            {
                throw fail(ex);
            }
            seedAwaitingSnapshot = true;
            lastSnapshotPosition = state.position();
            LOG.info("clustered service: no cluster snapshot; started from the cluster seed at journal position {} " +
                "(state hash recorded by the backup: {})", state.position(), seed.stateHash());
        }
        if (snapshotImage != null)
        {
            final long position = ServiceSnapshot.load(snapshotImage, state, cluster.idleStrategy());
            if (journal.lastPosition() < position)
            {
                throw fail(new IllegalStateException("the cluster snapshot is at journal position " + position +
                    " but this member's journal ends at " + journal.lastPosition() + ": the journal lost events " +
                    "the snapshot covers. Move this member's data directory away; it then rebuilds from the cluster."));
            }
            snapshotLoadedPosition = position;
            lastSnapshotPosition = position;
        }
        this.core = new EngineCore(state, this::commandIdAt, StrandClusteredService::moduleFailed);
        journalPosition = state.position();
        startListener.onStarted(journal, state);
        LOG.info("clustered service started: {} at journal position {}, journal ends at {}; the log replays from there",
            snapshotImage == null ? "no snapshot" : "snapshot", state.position(), journal.lastPosition());
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    @Override
    public void onSessionMessage(final ClientSession session, final long timestamp, final DirectBuffer buffer,
        final int offset, final int length, final Header header)
    {
        messages++;
        final boolean answer = session != null && cluster.role() == Cluster.Role.LEADER;
        try
        {
            decoder.wrap(buffer, offset, length);
        }
        catch (final WireBuffers.MalformedMessageException ex)
        {
            rejectedMessages++;
            LOG.warn("command message refused (not answered: its header is unreadable): {}", ex.getMessage());
            return;
        }
        final byte kind = decoder.kind();
        if (answer)
        {
            reply.begin(kind, decoder.correlationId());
        }
        try
        {
            if (kind == CommandMessages.ATOMIC_BATCH)
            {
                atomic(answer);
            }
            else
            {
                final int count = decoder.count();
                for (int i = 0; i < count; i++)
                {
                    if (!single(answer))
                    {
                        rejectRest(answer, i + 1, count);
                        break;
                    }
                }
            }
        }
        catch (final AgentTerminationException ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw fail(t);
        }
        journalPosition = state.position();
        appliedLogPosition = header.position();
        unflushed = true;
        if (answer)
        {
            offer(session);
        }
    }

    /** @return false when the command could not be decoded (the rest of the message cannot be found). */
    private boolean single(final boolean answer)
    {
        final Command command;
        try
        {
            command = decoder.next();
        }
        catch (final RuntimeException ex)
        {
            refused(answer, null, ex);
            return false;
        }
        final Outcome outcome = core.execute(command, appender);
        if (answer)
        {
            answer(command.commandId(), outcome);
        }
        return true;
    }

    private void atomic(final boolean answer)
    {
        batch.clear();
        final int count = decoder.count();
        for (int i = 0; i < count; i++)
        {
            try
            {
                batch.add(decoder.next());
            }
            catch (final RuntimeException ex)
            {
                rejectedMessages++;
                LOG.warn("atomic batch refused: command {} cannot be decoded: {}", i, ex.getMessage());
                if (answer)
                {
                    final Rejection malformed = malformed(ex);
                    final Rejection aborted = new Rejection(RejectionKind.CONFLICT, ResultCodes.ABORTED,
                        "not applied: command " + i + " of the atomic batch was rejected", null, -1);
                    for (int j = 0; j < count; j++)
                    {
                        reply.rejected(j < batch.size() ? batch.get(j).commandId() : null, j == i ? malformed : aborted);
                    }
                    reply.failedIndex(i);
                }
                return;
            }
        }
        final EngineCore.BatchOutcome outcome = core.executeAtomic(batch, appender);
        if (answer)
        {
            final Outcome[] outcomes = outcome.outcomes();
            for (int i = 0; i < outcomes.length; i++)
            {
                answer(batch.get(i).commandId(), outcomes[i]);
            }
            reply.failedIndex(outcome.failedIndex());
        }
        batch.clear();
    }

    private void rejectRest(final boolean answer, final int from, final int count)
    {
        if (answer)
        {
            final Rejection rest = new Rejection(RejectionKind.MALFORMED, ResultCodes.MALFORMED_REQUEST,
                "not run: an earlier command of the message could not be decoded", null, -1);
            for (int i = from; i < count; i++)
            {
                reply.rejected(null, rest);
            }
        }
    }

    private void refused(final boolean answer, final String commandId, final RuntimeException ex)
    {
        rejectedMessages++;
        LOG.warn("command refused: it cannot be decoded on this member: {}", ex.getMessage());
        if (answer)
        {
            reply.rejected(commandId, malformed(ex));
        }
    }

    private static Rejection malformed(final RuntimeException ex)
    {
        return new Rejection(RejectionKind.MALFORMED, ResultCodes.MALFORMED_REQUEST,
            "the command cannot be decoded by the cluster: " + ex.getMessage(), null, -1);
    }

    private void answer(final String commandId, final Outcome outcome)
    {
        if (outcome instanceof Outcome.Accepted a)
        {
            reply.accepted(commandId, a.position(), a.events());
        }
        else if (outcome instanceof Outcome.Rejected r)
        {
            reply.rejected(commandId, r.rejection());
        }
        else if (outcome instanceof Outcome.Replayed r)
        {
            replayed(commandId, r.firstPosition());
        }
        else
        {
            throw new IllegalStateException("a staged outcome left the core: " + outcome);
        }
    }

    /** A replay's original events, read back from the journal (positions are equal on every member). */
    private void replayed(final String commandId, final long firstPosition)
    {
        final int at = reply.beginReplayed(commandId);
        long last = firstPosition;
        int count = 0;
        if (reader.seek(firstPosition))
        {
            while (reader.next(record) && commandId.equals(record.commandId()))
            {
                reply.replayedEvent(record);
                last = record.position();
                count++;
            }
        }
        reply.endReplayed(at, last, count);
    }

    /**
     * Bounded (docs/cluster.md, trap 4): a client whose egress is gone answers NOT_CONNECTED for ever, and the service's
     * thread must not wait on it; a lost reply is safe, the client retries with the same command id.
     */
    private void offer(final ClientSession session)
    {
        for (int attempt = 0; attempt < OFFER_ATTEMPTS; attempt++)
        {
            final long result;
            try
            {
                result = session.offer(reply.buffer(), 0, reply.length());
            }
            catch (final IllegalArgumentException tooLong)
            {
                droppedReplies++;
                LOG.warn("reply of {} bytes not sent: {}", reply.length(), tooLong.getMessage());
                return;
            }
            if (result > 0)
            {
                return;
            }
            if (result != io.aeron.Publication.BACK_PRESSURED && result != io.aeron.Publication.ADMIN_ACTION)
            {
                break;
            }
            cluster.idleStrategy().idle();
        }
        droppedReplies++;
    }

    private String commandIdAt(final long position)
    {
        return reader.seek(position) && reader.next(record) && record.position() == position ? record.commandId() : null;
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        try
        {
            final long startNs = System.nanoTime();
            appender.flush();
            JournalFiles.force(journal.directory());
            ServiceSnapshot.write(snapshotPublication, state, cluster.idleStrategy());
            snapshotsTaken++;
            lastSnapshotPosition = state.position();
            seedAwaitingSnapshot = false;
            // metadata for operators only: the wall clock is read here, never while deciding
            final dev.strand.engine.api.SnapshotSummary summary = new dev.strand.engine.api.SnapshotSummary(
                "cluster-snapshot-" + cluster.logPosition(), state.position(), -1, System.currentTimeMillis(),
                java.util.concurrent.TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNs));
            lastSnapshot = summary;
            CompletableFuture<dev.strand.engine.api.SnapshotSummary> waiter;
            while ((waiter = snapshotWaiters.poll()) != null)
            {
                waiter.complete(summary);
            }
            LOG.info("cluster snapshot taken at journal position {} (log position {})", state.position(),
                cluster.logPosition());
        }
        catch (final Throwable t)
        {
            throw fail(t);
        }
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
        LOG.info("member role: {}", newRole);
    }

    @Override
    public void onNewLeadershipTermEvent(final long leadershipTermId, final long logPosition, final long timestamp,
        final long termBaseLogPosition, final int leaderId, final int logSessionId,
        final java.util.concurrent.TimeUnit timeUnit, final int appVersion)
    {
        leaderMemberId = leaderId;
        leadershipTerms++;
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        close();
    }

    @Override
    public int doBackgroundWork(final long nowNs)
    {
        int work = 0;
        if (cluster != null)
        {
            appliedLogPosition = cluster.logPosition();
        }
        if (unflushed && flushJournal)
        {
            try
            {
                appender.flush();
            }
            catch (final Throwable t)
            {
                throw fail(t);
            }
            unflushed = false;
            work++;
        }
        if (nowNs - nextSnapshotCheckNs >= 0)
        {
            nextSnapshotCheckNs = nowNs + SNAPSHOT_CHECK_INTERVAL_NS;
            work += snapshotIfDue(nowNs);
        }
        Runnable task;
        while ((task = tasks.poll()) != null)
        {
            task.run();
            work++;
        }
        return work;
    }

    /**
     * The snapshot policy (the engine's every-N-events / every-T-seconds settings), run by the leader only: it flips
     * the cluster-control toggle, and the consensus module puts the snapshot into the log, so every member takes it
     * at the same log position. Aeron takes none by itself.
     */
    private int snapshotIfDue(final long nowNs)
    {
        if (cluster == null || cluster.role() != Cluster.Role.LEADER)
        {
            return 0;
        }
        if (lastSnapshotNs == Long.MIN_VALUE)
        {
            lastSnapshotNs = nowNs;
        }
        final long events = state.position() - lastSnapshotPosition;
        final boolean due = seedAwaitingSnapshot || events > 0 && ((snapshotEveryEvents > 0 && events >= snapshotEveryEvents) ||
            (snapshotEveryNs > 0 && nowNs - lastSnapshotNs >= snapshotEveryNs));
        if (!due)
        {
            return 0;
        }
        if (controlToggle == null)
        {
            controlToggle = ClusterControl.findControlToggle(cluster.aeron().countersReader(),
                cluster.context().clusterId());
        }
        if (controlToggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(controlToggle))
        {
            lastSnapshotNs = nowNs;
            if (seedAwaitingSnapshot)
            {
                LOG.info("asked the cluster for its first snapshot: the seeded state, so a member that joins later " +
                    "starts from it");
                seedAwaitingSnapshot = false;
            }
            else
            {
                LOG.info("asked the cluster for a snapshot: {} events since the last", events);
            }
            return 1;
        }
        return 0;
    }

    /**
     * A member restored from a backup to start a new cluster: when the cluster has no snapshot, its state is the
     * seed's ({@code state}, loaded on the service's thread at start), not an empty one. Call before the node starts.
     */
    void seed(final java.util.function.Supplier<EngineState> state, final dev.strand.journal.ClusterSeed seed)
    {
        this.seedState = state;
        this.seed = seed;
    }

    /** Releases the journal readers (the node closes the journal itself). */
    void close()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
        if (appender != null)
        {
            appender.close();
            appender = null;
        }
    }

    private AgentTerminationException fail(final Throwable t)
    {
        if (failure == null)
        {
            failure = t;
        }
        LOG.error("clustered service stopped: {}", t.toString(), t);
        CompletableFuture<dev.strand.engine.api.SnapshotSummary> waiter;
        while ((waiter = snapshotWaiters.poll()) != null)
        {
            waiter.completeExceptionally(t);
        }
        return t instanceof AgentTerminationException ate ? ate : new AgentTerminationException(t);
    }

    private static void moduleFailed(final Command command, final Throwable cause)
    {
        dev.strand.engine.core.CommandLogging.handlerFailed(LOG, command, cause);
    }

    // Views for the node, from any thread.

    /** The role Aeron last gave this member. */
    public Cluster.Role role()
    {
        return role;
    }

    /** The journal position the service has applied (and journaled). */
    public long journalPosition()
    {
        return journalPosition;
    }

    /** The log position, in bytes, of the last message this member applied. */
    public long appliedLogPosition()
    {
        return appliedLogPosition;
    }

    /** The newest snapshot this member wrote since start, or null. */
    public dev.strand.engine.api.SnapshotSummary lastSnapshot()
    {
        return lastSnapshot;
    }

    /** Completes with the next snapshot this member writes. */
    CompletableFuture<dev.strand.engine.api.SnapshotSummary> nextSnapshot()
    {
        final CompletableFuture<dev.strand.engine.api.SnapshotSummary> future = new CompletableFuture<>();
        snapshotWaiters.add(future);
        return future;
    }

    /** The journal position of the cluster snapshot loaded at start, or -1 when the log was replayed from its start. */
    public long snapshotLoadedPosition()
    {
        return snapshotLoadedPosition;
    }

    /** Snapshots this member's service wrote since start. */
    public long snapshotsTaken()
    {
        return snapshotsTaken;
    }

    /** The leader of the newest leadership term this member has seen in its log, or -1. */
    public int leaderMemberId()
    {
        return leaderMemberId;
    }

    /** Leadership terms this member has seen begin since start (replayed ones included): each is an election. */
    public long leadershipTerms()
    {
        return leadershipTerms;
    }

    /** Command messages applied since start (replayed ones included). */
    public long messages()
    {
        return messages;
    }

    /** Replies the leader could not send (the client's egress gone or full); the clients' retries cover them. */
    public long droppedReplies()
    {
        return droppedReplies;
    }

    /** Messages or commands refused because they cannot be decoded. */
    public long rejectedMessages()
    {
        return rejectedMessages;
    }

    /** Events a replay found already journaled, and so did not write. */
    public long skippedJournalEvents()
    {
        final ReconcilingAppender a = appender;
        return a == null ? 0 : a.skippedEvents();
    }

    /** Why the service stopped, or null while it runs. */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * The state's position and hash, computed on the service's thread.
     *
     * @return {position, hash}.
     */
    public CompletableFuture<long[]> stateHash()
    {
        final CompletableFuture<long[]> future = new CompletableFuture<>();
        tasks.offer(() -> future.complete(new long[] {state.position(), state.hash()}));
        return future;
    }
}
