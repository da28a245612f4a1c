package dev.strand.engine.api;

/**
 * A projection request that cannot be done; {@link #code} says why, and the gateway maps it to its status in one
 * place. An expected outcome of a request, not a fault of the engine.
 */
public final class ProjectionException extends RuntimeException
{
    /** No projection of that name. */
    public static final String NOT_FOUND = "NOT_FOUND";
    /** A rebuild of the projection is running. */
    public static final String REBUILD_IN_PROGRESS = "REBUILD_IN_PROGRESS";
    /** The journal no longer serves position 1 (an archived prefix): a rebuild cannot start there. */
    public static final String ARCHIVED = "ARCHIVED";
    /** The rebuilt shadow's fold threw (under the stop policy) or the projections are stopping. */
    public static final String REBUILD_FAILED = "REBUILD_FAILED";

    private static final long serialVersionUID = 1L;

    private final String code;

    public ProjectionException(final String code, final String message)
    {
        super(message, null, false, false);
        this.code = code;
    }

    public String code()
    {
        return code;
    }
}
