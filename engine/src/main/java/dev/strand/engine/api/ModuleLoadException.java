package dev.strand.engine.api;

/**
 * An aggregate module on the class path could not be loaded or is not usable (a broken service entry, a constructor
 * that throws, a clash with another module). The message names the module and the reason.
 */
public final class ModuleLoadException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the module and the reason.
     * @param cause   what went wrong, if anything was thrown.
     */
    public ModuleLoadException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
