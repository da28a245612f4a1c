package dev.strand.engine.core;

import dev.strand.engine.api.Rejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether the engine takes writes, as one atomic value: running, halted until free space returns, or halted for good.
 * Any thread may halt (the logic thread on a journal failure, a replica that cannot apply the journal); only the
 * logic thread lifts a space halt, and only by a compare-and-set from the very halt it saw, so a fatal halt that lands
 * while space is being re-checked is never wiped.
 */
final class HaltState
{
    private static final Logger LOG = LoggerFactory.getLogger(HaltState.class);

    /** Why writes stop: {@code forSpace} halts lift themselves once space is back; the others are for good. */
    record Halt(boolean forSpace, String reason, Rejection rejection)
    {
    }

    private final AtomicReference<Halt> current = new AtomicReference<>();
    private final long minFreeBytes;

    HaltState(final long minFreeBytes)
    {
        this.minFreeBytes = minFreeBytes;
    }

    /** @return the halt in force, or null while running. */
    Halt current()
    {
        return current.get();
    }

    /** Halts for good (journal failure, broken invariant); a space halt in force is replaced, a fatal one kept. */
    void halt(final String reason, final Throwable cause)
    {
        dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(cause);
        final Halt fatal = new Halt(false, reason, Rejection.halted(reason));
        while (true)
        {
            final Halt was = current.get();
            if (was != null && !was.forSpace())
            {
                return;
            }
            if (current.compareAndSet(was, fatal))
            {
                LOG.error("ENGINE HALTED: {}; no further commands are accepted, nothing acknowledged is lost", reason,
                    cause);
                return;
            }
        }
    }

    /** Halts writes until free space is back above the floor; does nothing when already halted. */
    void haltForSpace(final String reason)
    {
        if (current.compareAndSet(null, new Halt(true, reason, Rejection.halted(reason))))
        {
            LOG.error("ENGINE HALTED: {}; writes resume when free space is back above {} bytes", reason, minFreeBytes);
        }
    }

    /**
     * Logic thread, before a command runs: lifts a space halt when space is back.
     *
     * @param freeBytes reads the journal's free space.
     * @return null when commands may run, else the rejection to answer.
     */
    Rejection check(final LongSupplier freeBytes)
    {
        final Halt halt = current.get();
        if (halt == null)
        {
            return null;
        }
        if (halt.forSpace())
        {
            final long free = freeBytes.getAsLong();
            if (free >= minFreeBytes && current.compareAndSet(halt, null))
            {
                LOG.warn("free space is back above the floor ({} bytes free): accepting commands again", free);
                return null;
            }
        }
        final Halt now = current.get();
        return now == null ? null : now.rejection();
    }

    /** @return the rejection for commands at ingress: a fatal halt refuses at once, a space halt is left to check(). */
    Rejection refusalAtIngress()
    {
        final Halt halt = current.get();
        return halt != null && !halt.forSpace() ? halt.rejection() : null;
    }

    /** @return the rejection halted commands get (the halt in force, or a generic one if it was just lifted). */
    Rejection rejection()
    {
        final Halt halt = current.get();
        return halt != null ? halt.rejection() : Rejection.halted("the journal refused the write");
    }

    /** @return true when a space halt is in force and space is back (a readiness probe may ask for a re-check). */
    boolean spaceHaltLiftable(final LongSupplier freeBytes)
    {
        final Halt halt = current.get();
        return halt != null && halt.forSpace() && freeBytes.getAsLong() >= minFreeBytes;
    }
}
