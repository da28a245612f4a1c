package dev.strand.bench.load;

/**
 * The warm-up left requests unanswered (or timed out) after it was drained as long as the run allows: the server
 * cannot sustain the rate yet, and a measured window started then would be charged for that backlog. A run fails
 * with it; a sweep ends at the step that raised it.
 */
public final class WarmUpBacklogException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    public WarmUpBacklogException(final String message)
    {
        super(message);
    }
}
