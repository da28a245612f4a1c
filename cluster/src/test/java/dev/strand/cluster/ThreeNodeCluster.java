package dev.strand.cluster;

import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.journal.EventRecord;
import dev.strand.journal.JournalReader;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingIdleStrategy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Three members in this JVM on random loopback ports under a temp directory, and a client with its own driver. */
final class ThreeNodeCluster implements AutoCloseable
{
    static final ModuleRegistry REGISTRY = new ModuleRegistry(List.of(new LedgerModule()));

    private final Path root;
    private final ClusterMembers members;
    private final ClusterNode[] nodes = new ClusterNode[3];
    private final MediaDriver clientDriver;
    private final ClusterClient client;

    private final String idleStrategy;
    private final long snapshotEveryEvents;

    ThreeNodeCluster(final Path root)
    {
        this(root, ClusterNodeConfig.DEFAULT_IDLE_STRATEGY, EngineConfig.SNAPSHOT_EVERY_EVENTS.defaultValue());
    }

    ThreeNodeCluster(final Path root, final String idleStrategy, final long snapshotEveryEvents)
    {
        this.root = root;
        this.idleStrategy = idleStrategy;
        this.snapshotEveryEvents = snapshotEveryEvents;
        this.members = ClusterMembers.parse("0=127.0.0.1:" + freeBase() + ",1=127.0.0.1:" + freeBase() +
            ",2=127.0.0.1:" + freeBase());
        for (int i = 0; i < 3; i++)
        {
            nodes[i] = start(i);
        }
        clientDriver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(root.resolve("client-aeron").toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100)))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(256 << 10)
            .ipcTermBufferLength(256 << 10));
        final ClusterClient.Config defaults = ClusterClient.Config.defaults(clientDriver.aeronDirectoryName(), members);
        client = ClusterClient.start(new ClusterClient.Config(defaults.aeronDirectoryName(), defaults.ingressEndpoints(),
            // three members, their drivers and the client share a 2-core box with the rest of the build: a request that
            // waits out a snapshot or an election under load must not fail the test for time alone
            defaults.egressHost(), defaults.termLength(), TimeUnit.SECONDS.toNanos(30), defaults.noQuorumAfterNs(),
            defaults.connectTimeoutNs(), idleStrategy),
            REGISTRY, () -> TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
    }

    ClusterNode start(final int id)
    {
        final EngineConfig engine = EngineConfig.builder(root.resolve("node" + id))
            .modules(List.of(new LedgerModule()))
            .idempotencyWindow(10_000)
            .snapshotEveryEvents(snapshotEveryEvents)
            .preallocate(false)
            .minFreeBytes(0)
            .build();
        return ClusterNode.launch(ClusterNodeConfig.builder(members, id, engine).idleStrategy(idleStrategy).build());
    }

    ClusterNode node(final int id)
    {
        return nodes[id];
    }

    void stop(final int id)
    {
        nodes[id].close();
        nodes[id] = null;
    }

    void restart(final int id)
    {
        nodes[id] = start(id);
    }

    ClusterClient client()
    {
        return client;
    }

    /** Waits for a leader among the running members. */
    ClusterNode awaitLeader(final long timeoutMs)
    {
        final ClusterNode[] found = new ClusterNode[1];
        await(timeoutMs, () ->
        {
            for (final ClusterNode n : nodes)
            {
                if (n != null && n.isLeader())
                {
                    found[0] = n;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits until every running member's service has applied up to {@code position}. */
    void awaitJournals(final long position, final long timeoutMs)
    {
        await(timeoutMs, () ->
        {
            for (final ClusterNode n : nodes)
            {
                if (n != null && n.service().journalPosition() < position)
                {
                    return false;
                }
            }
            return true;
        });
    }

    static void await(final long timeoutMs, final BooleanSupplier condition)
    {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(timeoutMs))
            .pollInterval(java.time.Duration.ofMillis(10)).until(condition::getAsBoolean);
    }

    /** One line per journaled event: position, aggregate, version, type, command id, timestamp, fingerprint, trace. */
    static List<String> journalOf(final ClusterNode node)
    {
        final List<String> lines = new ArrayList<>();
        try (JournalReader reader = node.journal().newReader())
        {
            final EventRecord r = new EventRecord();
            reader.seek(1);
            while (reader.next(r))
            {
                lines.add(r.position() + " " + r.aggregateId() + " v" + r.version() + " " + r.eventType() + " " +
                    r.commandId() + " " + r.timestampMicros() + " " + r.commandFingerprint() + " " + r.traceparent());
            }
        }
        return lines;
    }

    static int freeBase()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int base = 20_000 + 10 * ThreadLocalRandom.current().nextInt(3_000);
            if (free(base))
            {
                return base;
            }
        }
        throw new IllegalStateException("no free port range found");
    }

    private static boolean free(final int base)
    {
        for (int p = base; p < base + ClusterMembers.PORTS_PER_MEMBER; p++)
        {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p)))
            {
                socket.getLocalPort();
            }
            catch (final Exception ex)
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(client);
        for (int i = 2; i >= 0; i--)
        {
            CloseHelper.quietClose(nodes[i]);
        }
        CloseHelper.quietClose(clientDriver);
    }
}
