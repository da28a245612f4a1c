package dev.strand.engine.api;

/**
 * A command could not be built at ingress (unknown type, invalid envelope field or data). Thrown on the
 * submitting thread only, carries its {@link Rejection}, and no stack trace.
 */
public final class InvalidCommandException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Rejection rejection;

    public InvalidCommandException(final Rejection rejection)
    {
        super(rejection.detail(), null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection()
    {
        return rejection;
    }
}
