package dev.strand.engine.spi;

/**
 * A command's data breaks a rule at ingress (wrong type, missing, out of range). Thrown by decoders on the
 * submitting thread, never on the logic thread; carries no stack trace.
 */
public final class InvalidFieldException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidFieldException(final String field, final String detail)
    {
        super(detail, null, false, false);
        this.field = field;
    }

    /** The offending field, as the user named it (e.g. {@code "amount"}). */
    public String field()
    {
        return field;
    }
}
