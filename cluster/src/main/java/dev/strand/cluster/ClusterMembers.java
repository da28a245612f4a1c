package dev.strand.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The members of a cluster, as {@code --cluster-members} gives them: {@code id=host:basePort} entries separated by
 * commas. Each member uses the ports {@code basePort} to {@code basePort + 9}:
 *
 * <table>
 *   <caption>ports of a member</caption>
 *   <tr><td>basePort + 0</td><td>reserved (not bound)</td></tr>
 *   <tr><td>basePort + 1</td><td>archive control requests (other members' consensus modules replicate the log through it)</td></tr>
 *   <tr><td>basePort + 2</td><td>ingress: cluster clients send commands here (only the leader's is used)</td></tr>
 *   <tr><td>basePort + 3</td><td>consensus: the members' Raft traffic (votes, appends' positions, heartbeats)</td></tr>
 *   <tr><td>basePort + 4</td><td>log: the leader's replicated log, received here by followers</td></tr>
 *   <tr><td>basePort + 5</td><td>catch-up: a lagging follower's replay of the log from the leader</td></tr>
 *   <tr><td>basePort + 6 .. 9</td><td>reserved (not bound)</td></tr>
 * </table>
 *
 * Archive replication, archive control responses and client egress use ephemeral ports on the member's host.
 */
public final class ClusterMembers
{
    public static final int PORTS_PER_MEMBER = 10;
    public static final int ARCHIVE_CONTROL_OFFSET = 1;
    public static final int INGRESS_OFFSET = 2;
    public static final int CONSENSUS_OFFSET = 3;
    public static final int LOG_OFFSET = 4;
    public static final int CATCHUP_OFFSET = 5;

    /** One member: its id, host and base port. */
    public record Member(int id, String host, int basePort)
    {
        public String endpoint(final int offset)
        {
            return host + ":" + (basePort + offset);
        }
    }

    private final List<Member> members;

    private ClusterMembers(final List<Member> members)
    {
        this.members = List.copyOf(members);
    }

    /**
     * @param spec {@code 0=host:port,1=host:port,...}
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static ClusterMembers parse(final String spec)
    {
        if (spec == null || spec.isBlank())
        {
            throw new IllegalArgumentException("cluster members: none given (expected 0=host:basePort,1=...)");
        }
        final Map<Integer, Member> byId = new TreeMap<>();
        for (final String raw : spec.split(","))
        {
            final String entry = raw.trim();
            final int eq = entry.indexOf('=');
            final int colon = entry.lastIndexOf(':');
            if (eq <= 0 || colon <= eq + 1 || colon == entry.length() - 1)
            {
                throw new IllegalArgumentException("cluster member '" + entry + "' is not id=host:basePort");
            }
            final int id;
            final int port;
            try
            {
                id = Integer.parseInt(entry.substring(0, eq));
                port = Integer.parseInt(entry.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("cluster member '" + entry + "' is not id=host:basePort");
            }
            if (id < 0 || port < 1 || port + PORTS_PER_MEMBER - 1 > 65535)
            {
                throw new IllegalArgumentException("cluster member '" + entry + "': id must be >= 0 and basePort in " +
                    "1.." + (65535 - PORTS_PER_MEMBER + 1));
            }
            if (byId.put(id, new Member(id, entry.substring(eq + 1, colon), port)) != null)
            {
                throw new IllegalArgumentException("cluster member id " + id + " given twice");
            }
        }
        final List<Member> list = new ArrayList<>(byId.values());
        for (int i = 0; i < list.size(); i++)
        {
            if (list.get(i).id() != i)
            {
                throw new IllegalArgumentException("cluster member ids must be 0.." + (list.size() - 1));
            }
        }
        return new ClusterMembers(list);
    }

    public List<Member> members()
    {
        return members;
    }

    public int size()
    {
        return members.size();
    }

    public Member member(final int id)
    {
        if (id < 0 || id >= members.size())
        {
            throw new IllegalArgumentException("member id " + id + " is not one of 0.." + (members.size() - 1));
        }
        return members.get(id);
    }

    /** Aeron's form: {@code id,ingress,consensus,log,catchup,archiveControl|...}. */
    public String aeronClusterMembers()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Member m : members)
        {
            if (sb.length() > 0)
            {
                sb.append('|');
            }
            sb.append(m.id()).append(',')
                .append(m.endpoint(INGRESS_OFFSET)).append(',')
                .append(m.endpoint(CONSENSUS_OFFSET)).append(',')
                .append(m.endpoint(LOG_OFFSET)).append(',')
                .append(m.endpoint(CATCHUP_OFFSET)).append(',')
                .append(m.endpoint(ARCHIVE_CONTROL_OFFSET));
        }
        return sb.toString();
    }

    /** The cluster client's form: {@code id=host:ingressPort,...}. */
    public String ingressEndpoints()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Member m : members)
        {
            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(m.id()).append('=').append(m.endpoint(INGRESS_OFFSET));
        }
        return sb.toString();
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Member m : members)
        {
            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(m.id()).append('=').append(m.host()).append(':').append(m.basePort());
        }
        return sb.toString();
    }
}
