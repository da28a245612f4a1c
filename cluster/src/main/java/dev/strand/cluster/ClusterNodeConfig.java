package dev.strand.cluster;

import dev.strand.engine.api.EngineConfig;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every setting of a cluster node in one place: a name, a default and a line of doc each; validated once by
 * {@link Builder#build()}. The engine's own settings (journal, modules, idempotency window) come from the
 * {@link EngineConfig} the node is given; the idempotency window must be equal on every member (it is replicated
 * state). See docs/cluster.md for why each default is what it is.
 */
public final class ClusterNodeConfig
{
    /** Leader heartbeat interval: how often an idle leader tells followers it is alive. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Followers start an election after this long without a heartbeat: the floor of failover time. */
    public static final long DEFAULT_HEARTBEAT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How long an election phase (canvass, nomination, vote) waits before moving on. */
    public static final long DEFAULT_ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(250);
    /** At first start, how long members wait for each other before electing with a bare majority (a multiple of the heartbeat timeout). */
    public static final long DEFAULT_STARTUP_CANVASS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    /** A client session that sends nothing (not even a keep-alive) for this long is closed by the cluster. */
    public static final long DEFAULT_SESSION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /**
     * -1: follow the engine's durability (async: 0, sync: 1). 0: the archive and consensus module leave the log in
     * the page cache; 1: they fsync its data before a member acknowledges it; 2: data and metadata.
     */
    public static final int DEFAULT_FILE_SYNC_LEVEL = -1;
    /**
     * Idle strategy of every Aeron agent of the node and of the client: sleep-100us (park 100 us whenever idle),
     * park-backoff (one spin, one yield, then parks from 20 us up to 1 ms), backoff (Agrona's default), sleep-1ms.
     * Chosen by measurement (docs/cluster.md): the only one with P99 under 10 ms at 5,000 commands/s here.
     */
    public static final String DEFAULT_IDLE_STRATEGY = "sleep-100us";
    /** Term length of the replicated log (a message is at most 1/8 of it). */
    public static final int DEFAULT_LOG_TERM_LENGTH = 4 << 20;
    /** Term length of client ingress and egress (a command message or reply is at most 1/8 of it). */
    public static final int DEFAULT_CLIENT_TERM_LENGTH = 4 << 20;
    /** Term length of everything else the driver creates (consensus, IPC, archive control). */
    public static final int DEFAULT_OTHER_TERM_LENGTH = 256 << 10;
    /** Archive segment file length. */
    public static final int DEFAULT_ARCHIVE_SEGMENT_LENGTH = 16 << 20;

    private final int memberId;
    private final ClusterMembers members;
    private final EngineConfig engine;
    private final Path clusterDir;
    private final long heartbeatIntervalNs;
    private final long heartbeatTimeoutNs;
    private final long electionTimeoutNs;
    private final long startupCanvassTimeoutNs;
    private final long sessionTimeoutNs;
    private final int fileSyncLevel;
    private final String idleStrategy;
    private final int logTermLength;
    private final int clientTermLength;
    private final int otherTermLength;
    private final int archiveSegmentLength;

    private ClusterNodeConfig(final Builder b)
    {
        members = Objects.requireNonNull(b.members, "members");
        memberId = b.memberId;
        engine = Objects.requireNonNull(b.engine, "engine");
        clusterDir = b.clusterDir != null ? b.clusterDir : engine.dataDir().resolve("cluster");
        heartbeatIntervalNs = b.heartbeatIntervalNs;
        heartbeatTimeoutNs = b.heartbeatTimeoutNs;
        electionTimeoutNs = b.electionTimeoutNs;
        startupCanvassTimeoutNs = b.startupCanvassTimeoutNs;
        sessionTimeoutNs = b.sessionTimeoutNs;
        fileSyncLevel = b.fileSyncLevel >= 0 ? b.fileSyncLevel :
            engine.durability() == dev.strand.journal.Durability.SYNC ? 1 : 0;
        idleStrategy = b.idleStrategy;
        logTermLength = b.logTermLength;
        clientTermLength = b.clientTermLength;
        otherTermLength = b.otherTermLength;
        archiveSegmentLength = b.archiveSegmentLength;

        members.member(memberId);
        require(heartbeatIntervalNs > 0 && heartbeatTimeoutNs > 2 * heartbeatIntervalNs,
            "heartbeat timeout must be more than twice the heartbeat interval");
        require(electionTimeoutNs > 0, "election timeout must be > 0");
        require(startupCanvassTimeoutNs % heartbeatTimeoutNs == 0 && startupCanvassTimeoutNs > 0,
            "startup canvass timeout must be a multiple of the heartbeat timeout (Aeron refuses to start otherwise)");
        require(sessionTimeoutNs > heartbeatTimeoutNs, "session timeout must exceed the heartbeat timeout");
        require(fileSyncLevel >= 0 && fileSyncLevel <= 2, "file sync level must be 0, 1 or 2");
        idleStrategySupplier(idleStrategy);
        for (final int term : List.of(logTermLength, clientTermLength, otherTermLength))
        {
            require(Integer.bitCount(term) == 1 && term >= 64 << 10 && term <= 1 << 30,
                "term lengths must be powers of two from 64 KiB to 1 GiB: " + term);
        }
        require(Integer.bitCount(archiveSegmentLength) == 1 && archiveSegmentLength >= logTermLength,
            "archive segment length must be a power of two at least the log term length");
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /** The idle strategy by its configured name. */
    static Supplier<IdleStrategy> idleStrategySupplier(final String name)
    {
        return switch (name)
        {
            case "backoff" -> BackoffIdleStrategy::new;
            case "park-backoff" -> () -> new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(20),
                TimeUnit.MILLISECONDS.toNanos(1));
            case "sleep-100us" -> () -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100));
            case "sleep-1ms" -> () -> new SleepingMillisIdleStrategy(1);
            default -> throw new IllegalArgumentException("idle strategy must be park-backoff, backoff, sleep-100us or sleep-1ms: " + name);
        };
    }

    public static Builder builder(final ClusterMembers members, final int memberId, final EngineConfig engine)
    {
        return new Builder(members, memberId, engine);
    }

    public int memberId()
    {
        return memberId;
    }

    public ClusterMembers members()
    {
        return members;
    }

    public EngineConfig engine()
    {
        return engine;
    }

    /** Aeron's directories live here: {@code aeron} (the driver's), {@code archive}, {@code cluster}. */
    public Path clusterDir()
    {
        return clusterDir;
    }

    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    public long heartbeatTimeoutNs()
    {
        return heartbeatTimeoutNs;
    }

    public long electionTimeoutNs()
    {
        return electionTimeoutNs;
    }

    public long startupCanvassTimeoutNs()
    {
        return startupCanvassTimeoutNs;
    }

    public long sessionTimeoutNs()
    {
        return sessionTimeoutNs;
    }

    /** The file sync level in force (resolved from the durability when not given). */
    public int fileSyncLevel()
    {
        return fileSyncLevel;
    }

    public String idleStrategy()
    {
        return idleStrategy;
    }

    public int logTermLength()
    {
        return logTermLength;
    }

    public int clientTermLength()
    {
        return clientTermLength;
    }

    public int otherTermLength()
    {
        return otherTermLength;
    }

    public int archiveSegmentLength()
    {
        return archiveSegmentLength;
    }

    /** Builds a {@link ClusterNodeConfig}; every setting starts at its default. */
    public static final class Builder
    {
        private final ClusterMembers members;
        private final int memberId;
        private final EngineConfig engine;
        private Path clusterDir;
        private long heartbeatIntervalNs = DEFAULT_HEARTBEAT_INTERVAL_NS;
        private long heartbeatTimeoutNs = DEFAULT_HEARTBEAT_TIMEOUT_NS;
        private long electionTimeoutNs = DEFAULT_ELECTION_TIMEOUT_NS;
        private long startupCanvassTimeoutNs = DEFAULT_STARTUP_CANVASS_TIMEOUT_NS;
        private long sessionTimeoutNs = DEFAULT_SESSION_TIMEOUT_NS;
        private int fileSyncLevel = DEFAULT_FILE_SYNC_LEVEL;
        private String idleStrategy = DEFAULT_IDLE_STRATEGY;
        private int logTermLength = DEFAULT_LOG_TERM_LENGTH;
        private int clientTermLength = DEFAULT_CLIENT_TERM_LENGTH;
        private int otherTermLength = DEFAULT_OTHER_TERM_LENGTH;
        private int archiveSegmentLength = DEFAULT_ARCHIVE_SEGMENT_LENGTH;

        private Builder(final ClusterMembers members, final int memberId, final EngineConfig engine)
        {
            this.members = members;
            this.memberId = memberId;
            this.engine = engine;
        }

        public Builder clusterDir(final Path dir)
        {
            clusterDir = dir;
            return this;
        }

        public Builder heartbeat(final long intervalNs, final long timeoutNs)
        {
            heartbeatIntervalNs = intervalNs;
            heartbeatTimeoutNs = timeoutNs;
            return this;
        }

        public Builder electionTimeoutNs(final long ns)
        {
            electionTimeoutNs = ns;
            return this;
        }

        public Builder startupCanvassTimeoutNs(final long ns)
        {
            startupCanvassTimeoutNs = ns;
            return this;
        }

        public Builder sessionTimeoutNs(final long ns)
        {
            sessionTimeoutNs = ns;
            return this;
        }

        public Builder fileSyncLevel(final int level)
        {
            fileSyncLevel = level;
            return this;
        }

        public Builder idleStrategy(final String name)
        {
            idleStrategy = name;
            return this;
        }

        public Builder termLengths(final int log, final int client, final int other)
        {
            logTermLength = log;
            clientTermLength = client;
            otherTermLength = other;
            return this;
        }

        public Builder archiveSegmentLength(final int length)
        {
            archiveSegmentLength = length;
            return this;
        }

        public ClusterNodeConfig build()
        {
            return new ClusterNodeConfig(this);
        }
    }
}
