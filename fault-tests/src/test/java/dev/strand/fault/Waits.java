package dev.strand.fault;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;

/**
 * Waiting on a condition is Awaitility's ({@link #await}); {@link #sleep} is only for a deliberate pause, such as
 * load running for a random while before a fault is injected.
 */
final class Waits
{
    /** Condition checks come this often: kill points aimed at a snapshot's temp file need a short interval. */
    static final Duration POLL = Duration.ofMillis(20);

    private Waits()
    {
    }

    /** Awaitility polling every {@link #POLL} from the first moment; {@code what} names the condition when it times out. */
    static ConditionFactory await(final String what)
    {
        return Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(POLL);
    }

    static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
