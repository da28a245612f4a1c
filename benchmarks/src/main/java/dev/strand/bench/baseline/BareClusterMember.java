package dev.strand.bench.baseline;

import dev.strand.cluster.ClusterMembers;
import dev.strand.cluster.ClusterNodeConfig;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Baseline for the cluster figures: one member of a bare Aeron cluster running {@link BareLedgerService}, launched
 * with exactly the Aeron settings of a Strand {@code ClusterNode}: every value (threading, idle strategy, term
 * lengths, sparse files, archive segment length, file sync level, heartbeat, election, canvass and session timeouts,
 * channels and ports) is read from the {@link ClusterNodeConfig} it is given, so the two differ only in the service
 * (and Strand's journal). Directories under the config's cluster directory: {@code aeron}, {@code archive},
 * {@code cluster}, as a ClusterNode's.
 */
public final class BareClusterMember implements AutoCloseable
{
    private final ClusterNodeConfig config;
    private final BareLedgerService service = new BareLedgerService();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean closed;
    private ClusteredMediaDriver mediaDriver;
    private ClusteredServiceContainer container;

    private BareClusterMember(final ClusterNodeConfig config)
    {
        this.config = config;
        boolean started = false;
        try
        {
            launch();
            started = true;
        }
        finally
        {
            if (!started)
            {
                close();
            }
        }
    }

    /** Starts the member's media driver, archive, consensus module and service container. */
    public static BareClusterMember launch(final ClusterNodeConfig config)
    {
        return new BareClusterMember(config);
    }

    /**
     * The idle strategy by its name in {@link ClusterNodeConfig} (the same four strategies with the same parameters:
     * docs/cluster.md).
     */
    public static Supplier<IdleStrategy> idleStrategy(final String name)
    {
        return switch (name)
        {
            case "backoff" -> BackoffIdleStrategy::new;
            case "park-backoff" -> () -> new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(20),
                TimeUnit.MILLISECONDS.toNanos(1));
            case "sleep-100us" -> () -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100));
            case "sleep-1ms" -> () -> new SleepingMillisIdleStrategy(1);
            default -> throw new IllegalArgumentException("unknown idle strategy: " + name);
        };
    }

    private void launch()
    {
        final ClusterMembers.Member self = config.members().member(config.memberId());
        final String host = self.host();
        final Path dir = config.clusterDir();
        final String aeronDir = dir.resolve("aeron").toString();
        final Supplier<IdleStrategy> idle = idleStrategy(config.idleStrategy());

        final MediaDriver.Context driver = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idle.get())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(config.otherTermLength())
            .ipcTermBufferLength(config.otherTermLength())
            .errorHandler(this::onError);

        final Archive.Context archive = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(dir.resolve("archive").toFile())
            .controlChannel("aeron:udp?endpoint=" + self.endpoint(ClusterMembers.ARCHIVE_CONTROL_OFFSET))
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .localControlChannel("aeron:ipc?term-length=" + config.otherTermLength())
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(idle)
            .segmentFileLength(config.archiveSegmentLength())
            .fileSyncLevel(config.fileSyncLevel())
            .catalogFileSyncLevel(config.fileSyncLevel())
            .deleteArchiveOnStart(false)
            .errorHandler(this::onError);

        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archive.localControlChannel())
            .controlRequestStreamId(archive.localControlStreamId())
            .controlResponseChannel(archive.localControlChannel())
            .aeronDirectoryName(aeronDir)
            .errorHandler(this::onError);

        final ConsensusModule.Context consensus = new ConsensusModule.Context()
            .clusterMemberId(config.memberId())
            .clusterMembers(config.members().aeronClusterMembers())
            .clusterDir(dir.resolve("cluster").toFile())
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .ingressChannel("aeron:udp?term-length=" + config.clientTermLength())
            .logChannel("aeron:udp?term-length=" + config.logTermLength())
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .leaderHeartbeatIntervalNs(config.heartbeatIntervalNs())
            .leaderHeartbeatTimeoutNs(config.heartbeatTimeoutNs())
            .electionTimeoutNs(config.electionTimeoutNs())
            .startupCanvassTimeoutNs(config.startupCanvassTimeoutNs())
            .sessionTimeoutNs(config.sessionTimeoutNs())
            .fileSyncLevel(config.fileSyncLevel())
            .idleStrategySupplier(idle)
            .deleteDirOnStart(false)
            .errorHandler(this::onError);

        final ClusteredServiceContainer.Context serviceContext = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .clusterDir(dir.resolve("cluster").toFile())
            .clusteredService(service)
            .idleStrategySupplier(idle)
            .errorHandler(this::onError);

        mediaDriver = ClusteredMediaDriver.launch(driver, archive, consensus);
        container = ClusteredServiceContainer.launch(serviceContext);
    }

    /** Cluster events (heartbeat timeouts, a graceful stop's complaints) arrive here too; they are counted, not fatal. */
    private void onError(final Throwable t)
    {
        errors.incrementAndGet();
        if (!closed && !(t instanceof AeronException ae && ae.category() != AeronException.Category.ERROR))
        {
            System.err.println("bare cluster member " + config.memberId() + ": " + t);
        }
    }

    public BareLedgerService service()
    {
        return service;
    }

    /** Errors and cluster events Aeron reported since start. */
    public long errorCount()
    {
        return errors.get();
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.quietClose(container);
        CloseHelper.quietClose(mediaDriver);
    }
}
