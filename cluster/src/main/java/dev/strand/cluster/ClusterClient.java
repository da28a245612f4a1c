package dev.strand.cluster;

import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.core.CommandFactory;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.spi.FieldReader;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Sends commands to the cluster's leader from any thread and completes a future with the leader's answer. Commands are
 * built and checked at ingress, on the caller's thread ({@link CommandFactory}: the same rules as one node; an
 * invalid command throws there), stamped with the time and given a command id when they have none, then queued.
 *
 * <p>One dedicated thread, {@code cluster-client}, owns the {@link AeronCluster} session (it is not thread-safe, and
 * connecting takes up to the message timeout): it connects (asynchronously, again after a session is lost), offers
 * queued messages, polls egress, correlates replies by the correlation id it gave each message, and expires
 * requests. Futures complete on that thread: their callbacks must not block.
 *
 * <p>Failover: Aeron's session follows {@code NEW_LEADER} by itself; messages sent but not yet answered are then sent
 * again (their command ids make a repeat harmless: the cluster answers it as a replay). A message that cannot be sent
 * waits, up to the request timeout, for a leader; then it fails with {@link ClusterUnavailableException}:
 * {@code NO_LEADER}, or {@code NO_QUORUM} once no leader has been reachable for longer than an election takes. A
 * message sent but not answered in time fails with {@code TIMEOUT}: its outcome is unknown, and a retry with the same
 * command ids is safe.
 */
public final class ClusterClient implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterClient.class);
    private static final long KEEP_ALIVE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int OFFER_BURST = 256;

    /**
     * One command of a batch, as the caller has it.
     *
     * @param aggregateType the aggregate type of {@code type}, or null when the name alone says.
     */
    public record Item(String commandId, String aggregateType, String type, String aggregateId, long expectedVersion,
        String correlationId, FieldReader data)
    {
        /** An item whose type name alone says its aggregate type. */
        public Item(final String commandId, final String type, final String aggregateId, final long expectedVersion,
            final String correlationId, final FieldReader data)
        {
            this(commandId, null, type, aggregateId, expectedVersion, correlationId, data);
        }
    }

    /** Settings of the client. */
    public record Config(
        String aeronDirectoryName,
        String ingressEndpoints,
        String egressHost,
        int termLength,
        long requestTimeoutNs,
        long noQuorumAfterNs,
        long connectTimeoutNs,
        String idleStrategy)
    {
        /** Request timeout 5 s; NO_QUORUM after 3 s without a leader; connect attempts of 2 s. */
        public static Config defaults(final String aeronDirectoryName, final ClusterMembers members)
        {
            return new Config(aeronDirectoryName, members.ingressEndpoints(), members.member(0).host(),
                ClusterNodeConfig.DEFAULT_CLIENT_TERM_LENGTH, TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(3),
                TimeUnit.SECONDS.toNanos(2), ClusterNodeConfig.DEFAULT_IDLE_STRATEGY);
        }

        public Config withAeronDirectoryName(final String name)
        {
            return new Config(name, ingressEndpoints, egressHost, termLength, requestTimeoutNs, noQuorumAfterNs,
                connectTimeoutNs, idleStrategy);
        }

        public Config withRequestTimeoutNs(final long ns)
        {
            return new Config(aeronDirectoryName, ingressEndpoints, egressHost, termLength, ns, noQuorumAfterNs,
                connectTimeoutNs, idleStrategy);
        }
    }

    private static final class Request
    {
        final long correlationId;
        final UnsafeBuffer message;
        final CompletableFuture<Object> future = new CompletableFuture<>();
        final long deadlineNs;
        boolean sent;

        Request(final long correlationId, final byte[] message, final long deadlineNs)
        {
            this.correlationId = correlationId;
            this.message = new UnsafeBuffer(message);
            this.deadlineNs = deadlineNs;
            CommandMessages.correlationId(this.message, 0, correlationId);
        }
    }

    private final Config config;
    private final CommandFactory factory;
    private final ModuleRegistry registry;
    private final LongSupplier nanoClock = System::nanoTime;
    private final AtomicLong correlationIds = new AtomicLong(1);
    private final ManyToOneConcurrentLinkedQueue<Request> incoming = new ManyToOneConcurrentLinkedQueue<>();
    private final ArrayDeque<Request> unsent = new ArrayDeque<>();
    private final Long2ObjectHashMap<Request> byCorrelation = new Long2ObjectHashMap<>();
    private final Aeron aeron;
    private final Thread thread;
    private final IdleStrategy idle;
    private volatile boolean running = true;
    private volatile int leaderMemberId = -1;
    private volatile boolean connected;
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();

    // Owned by the client thread.
    private AeronCluster cluster;
    private AeronCluster.AsyncConnect connecting;
    private long lastLeaderNs;
    private long lastSendNs;
    private boolean resendAll;
    private boolean hadSession;

    private ClusterClient(final Config config, final ModuleRegistry registry, final LongSupplier epochMicros)
    {
        this.config = config;
        this.registry = registry;
        this.factory = new CommandFactory(registry, epochMicros);
        this.idle = ClusterNodeConfig.idleStrategySupplier(config.idleStrategy()).get();
        this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(config.aeronDirectoryName()));
        this.lastLeaderNs = nanoClock.getAsLong();
        this.thread = new Thread(this::run, "cluster-client");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * @param epochMicros the ingress clock: commands are stamped with it before they are sequenced.
     */
    public static ClusterClient start(final Config config, final ModuleRegistry registry, final LongSupplier epochMicros)
    {
        return new ClusterClient(config, registry, epochMicros);
    }

    /**
     * Builds a command at ingress and sends it.
     *
     * @throws dev.strand.engine.api.InvalidCommandException at once, on the caller's thread, for an invalid command.
     */
    public CompletableFuture<CommandResult> submit(final String commandId, final String type, final String aggregateId,
        final long expectedVersion, final String correlationId, final FieldReader data)
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.SINGLE);
        encoder.add(factory, commandId, null, type, aggregateId, expectedVersion, correlationId, data);
        return enqueue(encoder.toBytes()).thenApply(CommandResult.class::cast);
    }

    /**
     * Builds every command of a batch at ingress and sends the batch as one message (one unit in the log).
     *
     * @throws dev.strand.engine.api.InvalidCommandException for the first invalid command; nothing is sent.
     */
    public CompletableFuture<BatchResult> submitBatch(final List<Item> items, final boolean atomic)
    {
        if (items.isEmpty())
        {
            return CompletableFuture.completedFuture(new BatchResult(atomic, List.of(), -1));
        }
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(
            atomic ? CommandMessages.ATOMIC_BATCH : CommandMessages.BATCH);
        for (final Item item : items)
        {
            encoder.add(factory, item.commandId(), item.aggregateType(), item.type(), item.aggregateId(),
                item.expectedVersion(), item.correlationId(), item.data());
        }
        return enqueue(encoder.toBytes()).thenApply(BatchResult.class::cast);
    }

    /**
     * Builds a command at ingress, as {@link #submit} does, without sending it: it carries its encoded form
     * ({@link Command#wireForm}) for {@link #send}.
     *
     * @throws dev.strand.engine.api.InvalidCommandException for an invalid command.
     */
    public Command newCommand(final String commandId, final String aggregateType, final String type,
        final String aggregateId, final long expectedVersion, final String correlationId, final FieldReader data)
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.SINGLE);
        final Command command = encoder.add(factory, commandId, aggregateType, type, aggregateId, expectedVersion,
            correlationId, data);
        return command.withWireForm(encoder.lastCommandForm());
    }

    /** Sends one command built by {@link #newCommand}. */
    public CompletableFuture<CommandResult> send(final Command command)
    {
        return enqueue(CommandMessages.message(CommandMessages.SINGLE, List.of(command))).thenApply(CommandResult.class::cast);
    }

    /** Sends commands built by {@link #newCommand} as one message (one unit in the log), atomic or not. */
    public CompletableFuture<BatchResult> send(final List<Command> commands, final boolean atomic)
    {
        if (commands.isEmpty())
        {
            return CompletableFuture.completedFuture(new BatchResult(atomic, List.of(), -1));
        }
        return enqueue(CommandMessages.message(atomic ? CommandMessages.ATOMIC_BATCH : CommandMessages.BATCH, commands))
            .thenApply(BatchResult.class::cast);
    }

    private CompletableFuture<Object> enqueue(final byte[] message)
    {
        final Request request = new Request(correlationIds.getAndIncrement(), message,
            nanoClock.getAsLong() + config.requestTimeoutNs());
        if (!running)
        {
            request.future.completeExceptionally(
                new ClusterUnavailableException(ClusterUnavailableException.Reason.CLOSED, "the cluster client is closed"));
            return request.future;
        }
        incoming.offer(request);
        return request.future;
    }

    /** The leader the session last heard of, or -1. */
    public int leaderMemberId()
    {
        return leaderMemberId;
    }

    /** True while a session with the cluster is open. */
    public boolean isConnected()
    {
        return connected;
    }

    /** Messages sent again after a leader change (their command ids make that safe). */
    public long resentMessages()
    {
        return resent.get();
    }

    /** Sessions opened again after one was lost. */
    public long reconnects()
    {
        return reconnects.get();
    }

    private void run()
    {
        final EgressListener listener = new EgressListener()
        {
            @Override
            public void onMessage(final long clusterSessionId, final long timestamp, final DirectBuffer buffer,
                final int offset, final int length, final Header header)
            {
                onReply(buffer, offset, length);
            }

            @Override
            public void onNewLeader(final long clusterSessionId, final long leadershipTermId, final int leaderId,
                final String ingressEndpoints)
            {
                leaderMemberId = leaderId;
                lastLeaderNs = nanoClock.getAsLong();
                resendAll = true;
                LOG.info("cluster client: new leader {} (term {})", leaderId, leadershipTermId);
            }
        };
        while (running)
        {
            int work = 0;
            try
            {
                work += drainIncoming();
                work += session(listener);
                work += expire();
            }
            catch (final Throwable t)
            {
                dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(t);
                LOG.warn("cluster client: {}", t.toString());
                dropSession();
            }
            idle.idle(work);
        }
        dropSession();
        final ClusterUnavailableException closedEx =
            new ClusterUnavailableException(ClusterUnavailableException.Reason.CLOSED, "the cluster client is closed");
        drainIncoming();
        for (final Request r : unsent)
        {
            r.future.completeExceptionally(closedEx);
        }
        for (final Request r : byCorrelation.values())
        {
            r.future.completeExceptionally(closedEx);
        }
        unsent.clear();
        byCorrelation.clear();
    }

    private int drainIncoming()
    {
        int n = 0;
        Request r;
        while ((r = incoming.poll()) != null)
        {
            byCorrelation.put(r.correlationId, r);
            unsent.add(r);
            n++;
        }
        return n;
    }

    private int session(final EgressListener listener)
    {
        if (cluster == null || cluster.isClosed())
        {
            if (cluster != null)
            {
                LOG.info("cluster client: session lost; reconnecting");
                dropSession();
            }
            return connect(listener);
        }
        int work = cluster.pollEgress();
        if (cluster.isClosed())
        {
            return work;
        }
        if (resendAll)
        {
            resendAll = false;
            requeueSent();
        }
        work += send();
        final long now = nanoClock.getAsLong();
        if (now - lastSendNs > KEEP_ALIVE_INTERVAL_NS && cluster.sendKeepAlive())
        {
            lastSendNs = now;
            lastLeaderNs = now;
        }
        return work;
    }

    private int connect(final EgressListener listener)
    {
        if (connecting == null)
        {
            final AeronCluster.Context ctx = new AeronCluster.Context()
                .aeron(aeron)
                .ownsAeronClient(false)
                .ingressChannel("aeron:udp?term-length=" + config.termLength())
                .ingressEndpoints(config.ingressEndpoints())
                .egressChannel("aeron:udp?endpoint=" + config.egressHost() + ":0|term-length=" + config.termLength())
                .messageTimeoutNs(config.connectTimeoutNs())
                .egressListener(listener);
            connecting = AeronCluster.asyncConnect(ctx);
        }
        try
        {
            final AeronCluster connectedCluster = connecting.poll();
            if (connectedCluster == null)
            {
                return 0;
            }
            connecting = null;
            cluster = connectedCluster;
            connected = true;
            leaderMemberId = cluster.leaderMemberId();
            lastLeaderNs = nanoClock.getAsLong();
            lastSendNs = lastLeaderNs;
            if (hadSession)
            {
                reconnects.incrementAndGet();
            }
            hadSession = true;
            requeueSent();
            LOG.info("cluster client: session {} with leader {}", cluster.clusterSessionId(), leaderMemberId);
            return 1;
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("cluster client: connect attempt failed: {}", ex.toString());
            CloseHelper.quietClose(connecting);
            connecting = null;
            return 1;
        }
    }

    /** Sent but unanswered messages go out again, in their original order, ahead of the unsent ones. */
    private void requeueSent()
    {
        final List<Request> sent = new ArrayList<>();
        for (final Request r : byCorrelation.values())
        {
            if (r.sent)
            {
                r.sent = false;
                sent.add(r);
            }
        }
        if (sent.isEmpty())
        {
            return;
        }
        sent.sort((a, b) -> Long.compare(a.correlationId, b.correlationId));
        for (int i = sent.size() - 1; i >= 0; i--)
        {
            unsent.addFirst(sent.get(i));
        }
        resent.addAndGet(sent.size());
    }

    private int send()
    {
        int n = 0;
        while (n < OFFER_BURST && !unsent.isEmpty())
        {
            final Request r = unsent.peekFirst();
            if (r.future.isDone())
            {
                unsent.pollFirst();
                continue;
            }
            final int max = cluster.ingressPublication().maxMessageLength();
            if (r.message.capacity() > max)
            {
                unsent.pollFirst();
                byCorrelation.remove(r.correlationId);
                r.future.completeExceptionally(new IllegalArgumentException("command message of " +
                    r.message.capacity() + " bytes exceeds the cluster's limit of " + max + " bytes: send fewer commands"));
                continue;
            }
            final long result = cluster.offer(r.message, 0, r.message.capacity());
            if (result > 0)
            {
                unsent.pollFirst();
                r.sent = true;
                n++;
                lastSendNs = nanoClock.getAsLong();
                continue;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED)
            {
                connected = !cluster.isClosed();
            }
            break;
        }
        if (n > 0)
        {
            lastLeaderNs = nanoClock.getAsLong();
        }
        return n;
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        lastLeaderNs = nanoClock.getAsLong();
        final long correlationId;
        try
        {
            correlationId = ReplyMessages.correlationId(buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("cluster client: unreadable reply: {}", ex.getMessage());
            return;
        }
        final Request r = byCorrelation.remove(correlationId);
        if (r == null)
        {
            return;
        }
        try
        {
            r.future.complete(ReplyMessages.decode(registry, buffer, offset, length));
        }
        catch (final RuntimeException ex)
        {
            r.future.completeExceptionally(ex);
        }
    }

    private int expire()
    {
        if (byCorrelation.isEmpty())
        {
            return 0;
        }
        final long now = nanoClock.getAsLong();
        int n = 0;
        final Iterator<Request> it = byCorrelation.values().iterator();
        while (it.hasNext())
        {
            final Request r = it.next();
            if (now - r.deadlineNs < 0)
            {
                continue;
            }
            it.remove();
            n++;
            final ClusterUnavailableException.Reason reason;
            if (r.sent)
            {
                reason = ClusterUnavailableException.Reason.TIMEOUT;
            }
            else if (now - lastLeaderNs > config.noQuorumAfterNs())
            {
                reason = ClusterUnavailableException.Reason.NO_QUORUM;
            }
            else
            {
                reason = ClusterUnavailableException.Reason.NO_LEADER;
            }
            r.future.completeExceptionally(new ClusterUnavailableException(reason, switch (reason)
            {
                case TIMEOUT -> "sent to the cluster but not answered in time; the outcome is unknown (retry with the " +
                    "same commandId)";
                case NO_QUORUM -> "no cluster leader reachable for longer than an election takes: this node cannot " +
                    "reach a majority";
                default -> "no cluster leader at the moment (an election is going on)";
            }));
        }
        if (n > 0)
        {
            unsent.removeIf(r -> r.future.isDone());
        }
        return n;
    }

    private void dropSession()
    {
        connected = false;
        CloseHelper.quietClose(connecting);
        connecting = null;
        CloseHelper.quietClose(cluster);
        cluster = null;
    }

    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietClose(aeron);
    }
}
