package dev.strand.bench.cluster;

import dev.strand.bench.baseline.BareClusterMember;
import dev.strand.cluster.ClusterMembers;
import dev.strand.cluster.ClusterNode;
import dev.strand.cluster.ClusterNodeConfig;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.ledger.LedgerModule;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the cluster harness builds a member of either kind, in this JVM or in a child JVM ({@link MemberMain}): the
 * same code, so both topologies run the same settings. Strand members get the product's defaults
 * ({@link EngineConfig}, {@link ClusterNodeConfig}) but for periodic snapshots, which are off (one would land in the
 * middle of a measurement and pause every member's service). Bare members get a {@link ClusterNodeConfig} built with
 * the same defaults and read every Aeron setting from it.
 */
public final class MemberSetup
{
    private MemberSetup()
    {
    }

    /** What runs in a member. */
    public enum Kind
    {
        /** A bare Aeron cluster member with the trivial {@code BareLedgerService}: the baseline. */
        BARE,
        /** A Strand {@link ClusterNode}: the engine core as the clustered service, journaling every event. */
        STRAND,
        /** Nothing but the JVM: the floor of a member JVM's idle CPU. */
        NONE;

        String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The engine settings of a Strand member: the product's defaults, the ledger module, no periodic snapshots, the
     * idempotency window given (the default: {@link EngineConfig#IDEMPOTENCY_WINDOW}).
     */
    public static EngineConfig engineConfig(final Path dataDir, final int idempotencyWindow)
    {
        return EngineConfig.builder(dataDir)
            .modules(List.of(new LedgerModule()))
            .idempotencyWindow(idempotencyWindow)
            .snapshotEveryEvents(0)
            .snapshotEverySeconds(0)
            .build();
    }

    /** The node settings of either kind: every Aeron setting at the product's default. */
    public static ClusterNodeConfig nodeConfig(final ClusterMembers members, final int id, final Path dataDir,
        final int idempotencyWindow)
    {
        return ClusterNodeConfig.builder(members, id, engineConfig(dataDir, idempotencyWindow)).build();
    }

    /** Starts one member in this JVM; {@code NONE} starts nothing and returns a no-op (the window is Strand's only). */
    public static AutoCloseable start(final Kind kind, final ClusterMembers members, final int id, final Path dataDir,
        final int idempotencyWindow)
    {
        return switch (kind)
        {
            case BARE -> BareClusterMember.launch(nodeConfig(members, id, dataDir, idempotencyWindow));
            case STRAND -> ClusterNode.launch(nodeConfig(members, id, dataDir, idempotencyWindow));
            case NONE -> () -> { };
        };
    }

    /** The client's own media driver, set as the product's test cluster sets it: SHARED, the members' idle strategy. */
    public static MediaDriver clientDriver(final Path dir)
    {
        return MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(BareClusterMember.idleStrategy(ClusterNodeConfig.DEFAULT_IDLE_STRATEGY).get())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(ClusterNodeConfig.DEFAULT_OTHER_TERM_LENGTH)
            .ipcTermBufferLength(ClusterNodeConfig.DEFAULT_OTHER_TERM_LENGTH));
    }

    /** {@code count} members on loopback, each on a random base port whose ten UDP ports are free now. */
    public static ClusterMembers loopbackMembers(final int count)
    {
        final StringBuilder spec = new StringBuilder();
        final java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int i = 0; i < count; i++)
        {
            int base;
            do
            {
                base = freeBase();
            }
            while (!taken.add(base));
            spec.append(i == 0 ? "" : ",").append(i).append("=127.0.0.1:").append(base);
        }
        return ClusterMembers.parse(spec.toString());
    }

    private static int freeBase()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int base = 21_000 + 10 * ThreadLocalRandom.current().nextInt(2_500);
            if (free(base))
            {
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + ClusterMembers.PORTS_PER_MEMBER + " UDP ports found");
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
}
