package dev.strand.cluster;

import dev.strand.config.ConfigException;
import dev.strand.config.Setting;
import dev.strand.config.SettingType;
import dev.strand.config.SettingValues;
import dev.strand.engine.api.EngineConfig;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's cluster settings, declared once (flag, environment variable, default, range, doc). Without
 * {@code --cluster-members} the server runs alone; with it, {@code --member-id} says which member this process is.
 * The finer Aeron settings keep the defaults of {@link ClusterNodeConfig} (why: docs/cluster.md).
 */
public final class ClusterSettings
{
    public static final Setting<ClusterMembers> CLUSTER_MEMBERS = Setting.of("cluster-members",
        SettingType.of(ClusterMembers::parse, ClusterMembers::toString, "id=host:basePort,..."), null,
        "every member of the cluster as id=host:basePort (ids 0..n-1; a member uses UDP ports basePort..basePort+9); " +
            "none = run alone");
    public static final Setting<Integer> MEMBER_ID = Setting.of("member-id", SettingType.integer(0, 1000), null,
        "which of --cluster-members this process is (required with it)");
    public static final Setting<Long> CLUSTER_HEARTBEAT_TIMEOUT = Setting.of("cluster-heartbeat-timeout-ms",
        SettingType.count(200, 60_000), TimeUnit.NANOSECONDS.toMillis(ClusterNodeConfig.DEFAULT_HEARTBEAT_TIMEOUT_NS),
        "followers elect a new leader after this long without hearing from it: the floor of failover time " +
            "(the heartbeat interval is a tenth of it)");
    public static final Setting<Integer> CLUSTER_FILE_SYNC_LEVEL = Setting.of("cluster-file-sync-level",
        SettingType.integer(-1, 2), ClusterNodeConfig.DEFAULT_FILE_SYNC_LEVEL,
        "-1 follow --durability (async: 0, sync: 1); 0: the replicated log stays in the page cache; 1: a member " +
            "fsyncs it before acknowledging; 2: data and metadata");
    public static final Setting<String> CLUSTER_IDLE_STRATEGY = Setting.of("cluster-idle-strategy",
        SettingType.text(), ClusterNodeConfig.DEFAULT_IDLE_STRATEGY,
        "how Aeron's agents wait when idle: sleep-100us, park-backoff, backoff (spins: lowest latency, most CPU) or sleep-1ms");
    public static final Setting<Long> CLUSTER_WRITE_TIMEOUT = Setting.of("cluster-write-timeout-ms",
        SettingType.count(100, 600_000), 5_000L,
        "a write waits this long for a leader (during an election) and for its answer: then 503 NO_LEADER, " +
            "NO_QUORUM or OUTCOME_UNKNOWN");

    /** In the order help and the README table show them. */
    public static final List<Setting<?>> SETTINGS = List.of(CLUSTER_MEMBERS, MEMBER_ID, CLUSTER_HEARTBEAT_TIMEOUT,
        CLUSTER_FILE_SYNC_LEVEL, CLUSTER_IDLE_STRATEGY, CLUSTER_WRITE_TIMEOUT);

    private ClusterSettings()
    {
    }

    /**
     * Checks the cluster settings against each other.
     *
     * @throws ConfigException naming the flags.
     */
    public static void check(final SettingValues values)
    {
        final ClusterMembers members = values.get(CLUSTER_MEMBERS);
        final Integer memberId = values.get(MEMBER_ID);
        if (members == null)
        {
            if (memberId != null)
            {
                throw new ConfigException("--member-id needs --cluster-members (without it the server runs alone)");
            }
            return;
        }
        if (memberId == null)
        {
            throw new ConfigException("--cluster-members needs --member-id: which of the " + members.size() +
                " members this process is (0.." + (members.size() - 1) + ")");
        }
        if (memberId >= members.size())
        {
            throw new ConfigException("--member-id " + memberId + " is not one of --cluster-members (0.." +
                (members.size() - 1) + ")");
        }
        try
        {
            ClusterNodeConfig.idleStrategySupplier(values.get(CLUSTER_IDLE_STRATEGY));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("--cluster-idle-strategy: " + ex.getMessage());
        }
    }

    /** True when the settings make this process a cluster member. */
    public static boolean clustered(final SettingValues values)
    {
        return values.get(CLUSTER_MEMBERS) != null;
    }

    /** This member's node configuration, its engine settings from {@code engine}. */
    public static ClusterNodeConfig nodeConfig(final SettingValues values, final EngineConfig engine)
    {
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(values.get(CLUSTER_HEARTBEAT_TIMEOUT));
        final long intervalNs = timeoutNs / 10;
        return ClusterNodeConfig.builder(values.get(CLUSTER_MEMBERS), values.get(MEMBER_ID), engine)
            .heartbeat(intervalNs, timeoutNs)
            .electionTimeoutNs(timeoutNs / 2)
            // a multiple of the heartbeat timeout (docs/cluster.md, trap 2): ten of them, 5 s by default
            .startupCanvassTimeoutNs(timeoutNs * 10)
            .fileSyncLevel(values.get(CLUSTER_FILE_SYNC_LEVEL))
            .idleStrategy(values.get(CLUSTER_IDLE_STRATEGY))
            .build();
    }

    /** The write timeout in nanoseconds. */
    public static long writeTimeoutNs(final SettingValues values)
    {
        return TimeUnit.MILLISECONDS.toNanos(values.get(CLUSTER_WRITE_TIMEOUT));
    }
}
