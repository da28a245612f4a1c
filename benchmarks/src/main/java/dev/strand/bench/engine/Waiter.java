package dev.strand.bench.engine;

import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;

import java.util.concurrent.locks.LockSupport;

/**
 * A reusable completion for "submit one command and wait for it": the engine's thread stores the result and unparks
 * the waiting thread, which parks meanwhile (nothing spins: the machine has 2 cores). One command at a time.
 */
final class Waiter implements CommandCallback
{
    private volatile CommandResult result;
    private volatile Thread waiting;

    /** Call before each submit, on the submitting thread. */
    void arm()
    {
        result = null;
        waiting = Thread.currentThread();
    }

    @Override
    public void onComplete(final CommandResult r)
    {
        result = r;
        LockSupport.unpark(waiting);
    }

    /** Parks until the result came; returns it. */
    CommandResult await()
    {
        CommandResult r;
        while ((r = result) == null)
        {
            LockSupport.park(this);
        }
        return r;
    }

    /** Awaits and fails the benchmark on anything but an acceptance. */
    CommandResult awaitAccepted()
    {
        final CommandResult r = await();
        if (!r.accepted())
        {
            throw new IllegalStateException("command not accepted: " + r.rejection());
        }
        return r;
    }
}
