package dev.strand.gateway;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback UDP ports for in-JVM cluster members (each member binds basePort .. basePort + 9). */
final class ClusterPorts
{
    private ClusterPorts()
    {
    }

    /** {@code --cluster-members} for {@code count} members on loopback, base ports 100 apart, all free now. */
    static String freeMembers(final int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            final int base = 24_000 + 100 * ThreadLocalRandom.current().nextInt(0, 50);
            boolean free = true;
            for (int i = 0; i < count && free; i++)
            {
                free = free(base + 100 * i);
            }
            if (free)
            {
                final StringBuilder members = new StringBuilder();
                for (int i = 0; i < count; i++)
                {
                    members.append(i == 0 ? "" : ",").append(i).append("=127.0.0.1:").append(base + 100 * i);
                }
                return members.toString();
            }
        }
        throw new IllegalStateException("no free UDP ports for " + count + " members");
    }

    private static boolean free(final int base)
    {
        for (int p = base; p < base + 10; p++)
        {
            try (DatagramSocket s = new DatagramSocket(null))
            {
                s.bind(new InetSocketAddress("127.0.0.1", p));
            }
            catch (final Exception ex)
            {
                return false;
            }
        }
        return true;
    }
}
