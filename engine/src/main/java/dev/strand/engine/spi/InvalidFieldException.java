package dev.strand.engine.spi;

/**
 * A command's data breaks a rule at ingress (wrong type, missing, out of range). Thrown by decoders on the
 * submitting thread, never on the logic thread; carries no stack trace.
 *
 * <p>The field is named relative to the object being decoded; each enclosing codec puts its part of the path in front
 * with {@link #within(String)} as the exception leaves it, so a nested field comes out as {@code lines[1].sku} (and
 * the engine adds {@code data.}). An exception made with {@link #because(String, String)} says the whole path in its
 * message too.
 */
public final class InvalidFieldException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field  the offending field, as the user named it (e.g. {@code "amount"}), or null for the whole object.
     * @param detail a sentence for people.
     */
    public InvalidFieldException(final String field, final String detail)
    {
        this(field, detail, null);
    }

    private InvalidFieldException(final String field, final String detail, final String reason)
    {
        super(detail, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    /**
     * @param reason what is wrong, completing "field 'x' ...": {@code "is required"}, {@code "must be an integer"}.
     * @return an exception whose message names the field's whole path once the enclosing codecs have added theirs.
     */
    public static InvalidFieldException because(final String field, final String reason)
    {
        return new InvalidFieldException(field, null, reason);
    }

    /** The offending field (e.g. {@code "amount"}, {@code "lines[1].sku"}), or null for the object being decoded. */
    public String field()
    {
        return field;
    }

    @Override
    public String getMessage()
    {
        if (reason == null)
        {
            return super.getMessage();
        }
        return field == null ? "the value " + reason : "field '" + field + "' " + reason;
    }

    /**
     * @param parent the path of the object or list this field is in ({@code "lines[1]"}, {@code "[1]"}), or null.
     * @return the same error, its field named from {@code parent}.
     */
    public InvalidFieldException within(final String parent)
    {
        final String path = join(parent, field);
        return reason == null ? new InvalidFieldException(path, super.getMessage()) :
            new InvalidFieldException(path, null, reason);
    }

    /** {@code parent.child}, {@code parent[i]} for an index, or whichever of the two is there. */
    public static String join(final String parent, final String child)
    {
        if (parent == null || parent.isEmpty())
        {
            return child;
        }
        if (child == null || child.isEmpty())
        {
            return parent;
        }
        return child.charAt(0) == '[' ? parent + child : parent + "." + child;
    }
}
