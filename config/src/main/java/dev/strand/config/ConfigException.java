package dev.strand.config;

/**
 * The configuration is refused: one line that names the flag or environment variable and says why. Carries no stack
 * trace; a command-line front end prints the message and exits with status 2.
 */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line.
     */
    public ConfigException(final String message)
    {
        super(message, null, false, false);
    }
}
