package dev.strand.gateway;

/** The HTTP address cannot be bound; the message names {@code host:port}. */
public final class PortInUseException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final boolean inUse;

    PortInUseException(final String message, final boolean inUse)
    {
        super(message);
        this.inUse = inUse;
    }

    /**
     * @return true when another process holds the port; false for other bind failures (unknown host, no such
     * address on this machine, a privileged port).
     */
    public boolean inUse()
    {
        return inUse;
    }

    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
