package dev.strand.fault;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on conditions, never on a bare sleep. */
final class Waits
{
    private Waits()
    {
    }

    static void until(final String what, final Duration timeout, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            sleep(20);
        }
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
