package dev.strand.engine.api;

/**
 * An {@link OutOfMemoryError} on any thread ends the process at once with {@link #EXIT_CODE}: a server that ran out of
 * memory cannot be trusted to make progress (its event loops, replicas and pre-allocator may each have died on their
 * own), and a half-dead process holding its port and data directory is worse than none. A supervisor restarts it and
 * recovery replays the journal; nothing acknowledged is lost (every acknowledged command was journaled first).
 * Before that point the engine refuses state growth with {@code CAPACITY_EXHAUSTED}, so this is the last line.
 */
public final class OutOfMemoryPolicy
{
    /** The process exit code after an {@link OutOfMemoryError}. */
    public static final int EXIT_CODE = 3;

    private static volatile boolean installed;

    private OutOfMemoryPolicy()
    {
    }

    /**
     * Makes every thread's uncaught {@link OutOfMemoryError} end the process (other uncaught throwables go to the
     * handler that was there before). Idempotent.
     */
    public static synchronized void install()
    {
        if (installed)
        {
            return;
        }
        installed = true;
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, t) ->
        {
            exitIfOutOfMemory(t);
            if (previous != null)
            {
                previous.uncaughtException(thread, t);
            }
            else
            {
                System.err.println("Exception in thread \"" + thread.getName() + "\" " + t);
            }
        });
    }

    /**
     * Ends the process with {@link #EXIT_CODE} when {@code t}, or one of its causes, is an {@link OutOfMemoryError};
     * otherwise returns. Call it first in every {@code catch (Throwable)} that would otherwise carry on.
     */
    public static void exitIfOutOfMemory(final Throwable t)
    {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
        {
            if (c instanceof OutOfMemoryError)
            {
                try
                {
                    System.err.println("strand: out of memory on thread " + Thread.currentThread().getName() + " (" +
                        c.getMessage() + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): exiting " +
                        "with code " + EXIT_CODE + "; restart it (with a larger -Xmx): recovery replays the journal " +
                        "and nothing acknowledged is lost");
                }
                finally
                {
                    Runtime.getRuntime().halt(EXIT_CODE);
                }
            }
        }
    }
}
