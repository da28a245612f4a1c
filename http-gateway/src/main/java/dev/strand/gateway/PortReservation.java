package dev.strand.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * The HTTP port, bound before the journal is recovered so that a busy port fails the start at once (naming
 * {@code host:port}) instead of after a recovery; port 0 becomes a concrete free port here, so every event-loop
 * instance binds the same one. Handed over to Vert.x by {@link #release()} right before it binds.
 */
final class PortReservation implements AutoCloseable
{
    private final ServerSocket socket;
    private final String host;

    private PortReservation(final ServerSocket socket, final String host)
    {
        this.socket = socket;
        this.host = host;
    }

    /**
     * @throws PortInUseException if another process listens on {@code host:port}.
     * @throws UncheckedIOException if the address cannot be bound for another reason (it names host and port).
     */
    static PortReservation bind(final String host, final int port)
    {
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new PortInUseException("cannot bind " + host + ":" + port + ": unknown host " + host, false);
        }
        final ServerSocket socket;
        try
        {
            socket = new ServerSocket();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        try
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 1);
            return new PortReservation(socket, host);
        }
        catch (final BindException ex)
        {
            close(socket);
            final String why = ex.getMessage() == null ? "" : ex.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (why.contains("in use"))
            {
                throw new PortInUseException("port " + host + ":" + port + " is in use by another process", true);
            }
            throw new PortInUseException("cannot bind " + host + ":" + port + ": " + ex.getMessage(), false);
        }
        catch (final IOException ex)
        {
            close(socket);
            throw new PortInUseException("cannot bind " + host + ":" + port + ": " + ex.getMessage(), false);
        }
    }

    /**
     * Checks that this cluster member's UDP ports (basePort+1..basePort+5: archive control, ingress, consensus, log,
     * catch-up) can be bound, before the journal is opened: Aeron would otherwise fail later, deep in its driver.
     *
     * @throws PortInUseException naming the first port another process holds.
     */
    static void checkClusterPorts(final String host, final int basePort)
    {
        for (int offset = dev.strand.cluster.ClusterMembers.ARCHIVE_CONTROL_OFFSET;
            offset <= dev.strand.cluster.ClusterMembers.CATCHUP_OFFSET; offset++)
        {
            final int port = basePort + offset;
            try (java.net.DatagramSocket socket = new java.net.DatagramSocket(null))
            {
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            }
            catch (final UnknownHostException ex)
            {
                throw new PortInUseException("cannot bind cluster port " + host + ":" + port + ": unknown host " + host, false);
            }
            catch (final BindException ex)
            {
                final String why = ex.getMessage() == null ? "" : ex.getMessage().toLowerCase(java.util.Locale.ROOT);
                throw new PortInUseException(why.contains("in use") ?
                    "cluster port " + host + ":" + port + " (UDP, basePort + " + offset + ") is in use by another process" :
                    "cannot bind cluster port " + host + ":" + port + ": " + ex.getMessage(), why.contains("in use"));
            }
            catch (final IOException ex)
            {
                throw new PortInUseException("cannot bind cluster port " + host + ":" + port + ": " + ex.getMessage(), false);
            }
        }
    }

    int port()
    {
        return socket.getLocalPort();
    }

    String host()
    {
        return host;
    }

    /** Lets go of the port so that Vert.x can bind it. */
    void release()
    {
        close(socket);
    }

    @Override
    public void close()
    {
        release();
    }

    private static void close(final ServerSocket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // closing a listening socket that never accepted anything: nothing to recover
        }
    }
}
