package dev.strand.cluster;

import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.core.DataDirectoryInUseException;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalLockedException;
import io.aeron.Counter;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One cluster member, in the caller's JVM: this member's journal (whose lock guards the data directory), a
 * {@link ClusteredMediaDriver} (media driver, archive and consensus module) and a {@link ClusteredServiceContainer}
 * running the {@link StrandClusteredService}. Directories: {@code <clusterDir>/aeron} (the driver's, deleted at start
 * and at close), {@code <clusterDir>/archive} (the recorded log and snapshots), {@code <clusterDir>/cluster} (the
 * recording log, mark files). Settings: {@link ClusterNodeConfig}; why they are what they are: docs/cluster.md.
 *
 * <p>Threads (SHARED modes, for 2 cores): the driver's one agent thread, the archive's, the consensus module's and
 * the service container's ({@code clustered-service}); each idles with the configured strategy.
 *
 * <p>Start after a crash (docs/cluster.md, trap 1): Aeron's archive, consensus module and service container each
 * refuse to start for about 10 s after their previous owner died, because their mark files still look active. The
 * node holds the journal's lock first; holding it means the previous owner of this data directory is gone, so the
 * stale mark files are deleted before they start.
 */
public final class ClusterNode implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final String ARCHIVE_MARK_FILE = "archive-mark.dat";
    /** The consensus module's {@code cluster-mark.dat} and each service container's {@code cluster-mark-service-N.dat}. */
    private static final String CLUSTER_MARK_FILE_PREFIX = "cluster-mark";

    private final ClusterNodeConfig config;
    private final Journal journal;
    private StrandClusteredService service;
    private final AtomicLong errors = new AtomicLong();
    private volatile Throwable fatal;
    private ClusteredMediaDriver mediaDriver;
    private ClusteredServiceContainer container;
    private volatile boolean closed;

    private ClusterNode(final ClusterNodeConfig config, final ModuleRegistry registry,
        final StrandClusteredService.StartListener listener)
    {
        this.config = config;
        final EngineConfig engine = config.engine();
        this.journal = openJournal(engine);
        boolean started = false;
        try
        {
            final java.util.Optional<dev.strand.journal.ClusterSeed> seed = readSeed(engine);
            refuseAJournalWithoutItsClusterLog(seed);
            service = new StrandClusteredService(registry, journal, engine.idempotencyWindow(),
                engine.durability() == dev.strand.journal.Durability.SYNC, engine.snapshotEveryEvents(),
                engine.snapshotEverySeconds());
            service.startListener(listener);
            seed.ifPresent(s -> service.seed(() -> dev.strand.engine.core.SeedState.load(s, journal,
                engine.dataDir().resolve("snapshots"), registry, engine.idempotencyWindow()), s));
            clearStaleMarkFiles();
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

    /** Opens the journal (taking the data directory's lock), then starts Aeron's parts. */
    public static ClusterNode launch(final ClusterNodeConfig config)
    {
        return launch(config, new ModuleRegistry(config.engine().modules()), (journal, state) -> { });
    }

    /**
     * @param registry the modules (the same on every member).
     * @param listener told on the service's thread once the state is loaded at start, before the log replays.
     */
    public static ClusterNode launch(final ClusterNodeConfig config, final ModuleRegistry registry,
        final StrandClusteredService.StartListener listener)
    {
        return new ClusterNode(config, registry, listener);
    }

    private static Journal openJournal(final EngineConfig engine)
    {
        try
        {
            return Journal.open(engine.journal());
        }
        catch (final JournalLockedException ex)
        {
            throw new DataDirectoryInUseException(engine.dataDir(), ex);
        }
    }

    /**
     * A member's state is its cluster snapshot and log; its journal is what replaying that log produces, never a source
     * of state. A journal that holds events beside no cluster log (a data directory restored from a backup, or a single
     * node's) would meet a new log whose first command lands on position 1 again and stop the service on the first
     * write: say so at start instead.
     */
    private static java.util.Optional<dev.strand.journal.ClusterSeed> readSeed(final EngineConfig engine)
    {
        try
        {
            return dev.strand.journal.ClusterSeed.read(engine.dataDir());
        }
        catch (final IllegalStateException ex)
        {
            throw new ClusterDataDirectoryException(ex.getMessage());
        }
    }

    private void refuseAJournalWithoutItsClusterLog(final java.util.Optional<dev.strand.journal.ClusterSeed> seed)
    {
        if (journal.lastPosition() == 0 ||
            java.nio.file.Files.exists(consensusDir().resolve(io.aeron.cluster.RecordingLog.RECORDING_LOG_FILE_NAME)))
        {
            return;
        }
        if (seed.isPresent() && seed.get().position() == journal.lastPosition())
        {
            LOG.info("cluster member {}: no cluster log yet; this member starts from the cluster seed in {} (journal " +
                "position {}, chain hash {}): every member of the new cluster must be restored from the same backup",
                config.memberId(), config.engine().dataDir().toAbsolutePath().normalize(), seed.get().position(),
                seed.get().chainHash());
            return;
        }
        throw new ClusterDataDirectoryException("the journal in " + config.engine().dataDir().toAbsolutePath()
            .normalize() + " holds " + journal.lastPosition() + " positions but there is no cluster log beside it (" +
            consensusDir() + ")" + (seed.isPresent() ? " and its cluster seed ends at position " + seed.get().position() +
            ", not at the journal's end" : "") + ": a cluster member cannot start from a single node's data directory. " +
            "To start a new cluster from a backup, restore it into every member's data directory with `strand restore " +
            "--cluster-seed`; otherwise give this member an empty data directory so it rebuilds from the cluster " +
            "(docs/operations.md, \"Cluster members\")");
    }

    private Path aeronDir()
    {
        return config.clusterDir().resolve("aeron");
    }

    private Path archiveDir()
    {
        return config.clusterDir().resolve("archive");
    }

    private Path consensusDir()
    {
        return config.clusterDir().resolve("cluster");
    }

    /**
     * We hold the data directory's lock: whoever wrote the mark files (the archive's, the consensus module's and the
     * service container's) is gone, so they are stale. They hold liveness and error records only, nothing the
     * cluster's state depends on (that is in the recording log, node state and archive).
     */
    private void clearStaleMarkFiles()
    {
        final java.util.List<Path> marks = new java.util.ArrayList<>();
        marks.add(archiveDir().resolve(ARCHIVE_MARK_FILE));
        final Path consensus = consensusDir();
        if (Files.isDirectory(consensus))
        {
            try (java.util.stream.Stream<Path> files = Files.list(consensus))
            {
                files.filter(f -> f.getFileName().toString().startsWith(CLUSTER_MARK_FILE_PREFIX) &&
                    f.getFileName().toString().endsWith(".dat")).forEach(marks::add);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot list " + consensus, ex);
            }
        }
        for (final Path mark : marks)
        {
            try
            {
                if (Files.deleteIfExists(mark))
                {
                    LOG.info("removed the mark file left by this data directory's previous owner: {}", mark);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot remove stale mark file " + mark, ex);
            }
        }
    }

    private void launch()
    {
        final ClusterMembers.Member self = config.members().member(config.memberId());
        final String host = self.host();
        final String aeronDir = aeronDir().toString();

        final MediaDriver.Context driver = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(ClusterNodeConfig.idleStrategySupplier(config.idleStrategy()).get())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(config.otherTermLength())
            .ipcTermBufferLength(config.otherTermLength())
            .errorHandler(this::onError);

        final Archive.Context archive = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(archiveDir().toFile())
            .controlChannel("aeron:udp?endpoint=" + self.endpoint(ClusterMembers.ARCHIVE_CONTROL_OFFSET))
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .localControlChannel("aeron:ipc?term-length=" + config.otherTermLength())
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(ClusterNodeConfig.idleStrategySupplier(config.idleStrategy()))
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
            .clusterDir(consensusDir().toFile())
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
            .idleStrategySupplier(ClusterNodeConfig.idleStrategySupplier(config.idleStrategy()))
            .deleteDirOnStart(false)
            .errorHandler(this::onError);

        final ClusteredServiceContainer.Context serviceContext = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .clusterDir(consensusDir().toFile())
            .clusteredService(service)
            .idleStrategySupplier(ClusterNodeConfig.idleStrategySupplier(config.idleStrategy()))
            .errorHandler(this::onError);

        mediaDriver = ClusteredMediaDriver.launch(driver, archive, consensus);
        container = ClusteredServiceContainer.launch(serviceContext);
        LOG.info("cluster member {} of {} started (idle {}, file sync level {}, heartbeat {}/{} ms), data in {}",
            config.memberId(), config.members(), config.idleStrategy(), config.fileSyncLevel(),
            config.heartbeatIntervalNs() / 1_000_000, config.heartbeatTimeoutNs() / 1_000_000, config.clusterDir());
    }

    /**
     * Aeron reports cluster events (a heartbeat timeout, a truncated log tail, a graceful stop's "quorum position went
     * backwards") through the error handler (docs/cluster.md, trap 6): those are logged as warnings, not errors.
     */
    private void onError(final Throwable t)
    {
        errors.incrementAndGet();
        if (closed)
        {
            LOG.debug("while closing: {}", t.toString());
        }
        else if (t instanceof AeronException ae && ae.category() == AeronException.Category.FATAL)
        {
            if (fatal == null)
            {
                fatal = t;
            }
            LOG.error("cluster member {}: {}; this member is out of the cluster until the process is restarted",
                config.memberId(), t.getMessage());
        }
        else if (t instanceof AeronException ae && ae.category() == AeronException.Category.WARN)
        {
            LOG.warn("cluster member {}: {}", config.memberId(), t.getMessage());
        }
        else
        {
            LOG.error("cluster member {}: {}", config.memberId(), t.toString(), t);
        }
    }

    public int memberId()
    {
        return config.memberId();
    }

    public ClusterNodeConfig config()
    {
        return config;
    }

    /** The driver's directory: a {@link ClusterClient} in this JVM may use this node's driver. */
    public String aeronDirectoryName()
    {
        return aeronDir().toString();
    }

    public StrandClusteredService service()
    {
        return service;
    }

    public Journal journal()
    {
        return journal;
    }

    public boolean isLeader()
    {
        return service.role() == Cluster.Role.LEADER;
    }

    /**
     * The consensus module's view, read from its counters: role, leader (-1 during an election), commit position and
     * elections since start. Any thread.
     */
    public dev.strand.engine.api.ClusterView view()
    {
        return view(() -> -1);
    }

    /**
     * As {@link #view()}, with a second source for the leader of a follower whose service has not seen the current
     * leadership term begin: a member restarted from a snapshot taken during that term replays only the log after
     * the snapshot, so the term's {@code NewLeadershipTermEvent} (before it) never reaches its service, which then
     * knows no leader until the next election. This member's cluster client, connected to the leader, knows it.
     */
    public dev.strand.engine.api.ClusterView view(final java.util.function.IntSupplier leaderIfUnknown)
    {
        final ConsensusModule.Context cm = mediaDriver == null ? null : mediaDriver.consensusModule().context();
        final Counter roleCounter = cm == null ? null : cm.clusterNodeRoleCounter();
        final Counter electionState = cm == null ? null : cm.electionStateCounter();
        final Counter commit = cm == null ? null : cm.commitPositionCounter();
        final Counter elections = cm == null ? null : cm.electionCounter();
        // On a fatal error (a driver keepalive timeout after the process stalled for 10 s) Aeron closes its client and
        // unmaps the memory these counters live in: a read after that crashes the JVM (SIGSEGV), so none is read once
        // the client or a counter is closed.
        if (closed || fatal != null || cm == null || cm.aeron() == null || cm.aeron().isClosed() ||
            unusable(roleCounter) || unusable(electionState) || unusable(commit) || unusable(elections))
        {
            return new dev.strand.engine.api.ClusterView(config.memberId(), "follower", -1, config.members().size(),
                journal.lastPosition(), 0, service.appliedLogPosition(), 0);
        }
        final Cluster.Role role = Cluster.Role.get(roleCounter);
        final boolean electing = ElectionState.get(electionState.get()) != ElectionState.CLOSED;
        final int known = service.leaderMemberId();
        final int leader = role == Cluster.Role.LEADER ? config.memberId() :
            electing || role == Cluster.Role.CANDIDATE ? -1 : known >= 0 ? known : leaderIfUnknown.getAsInt();
        return new dev.strand.engine.api.ClusterView(config.memberId(), role.name().toLowerCase(java.util.Locale.ROOT),
            leader, config.members().size(), journal.lastPosition(), commit.get(), service.appliedLogPosition(),
            elections.get());
    }

    private static boolean unusable(final Counter counter)
    {
        return counter == null || counter.isClosed();
    }

    /**
     * The fatal error Aeron reported, if any (a driver keepalive or client service timeout, after the process stalled
     * for longer than 10 s): Aeron's client is then closed, this member takes no further part in the cluster, and
     * only a restart of the process brings it back.
     */
    public Throwable fatalError()
    {
        return fatal;
    }

    /** Errors and cluster events Aeron reported since start. */
    public long errorCount()
    {
        return errors.get();
    }

    /**
     * Asks the cluster to take a snapshot (the cluster-control toggle; only the leader's is acted on). Aeron takes
     * none by itself.
     *
     * @return false when this member is not the leader or a toggle is already pending.
     */
    public boolean requestSnapshot()
    {
        if (!isLeader())
        {
            return false;
        }
        final AtomicCounter toggle = ClusterControl.findControlToggle(
            mediaDriver.consensusModule().context().aeron().countersReader(), mediaDriver.consensusModule().context().clusterId());
        return toggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
    }

    /** Stops the service container, then the consensus module, archive and driver, then closes the journal. */
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
        if (service != null)
        {
            service.close();
        }
        journal.close();
        LOG.info("cluster member {} stopped", config.memberId());
    }
}
