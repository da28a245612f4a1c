package dev.strand.gateway;

/** A setting is missing, malformed or unsafe; the server refuses to start and says which. */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message, null, false, false);
    }
}
