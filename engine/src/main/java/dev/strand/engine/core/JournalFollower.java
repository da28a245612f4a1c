package dev.strand.engine.core;

import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * A thread that tails the journal and hands each event to {@link #onRecord}: the shape of every projection (read
 * model, snapshotter). It never touches the writer. When idle it backs off (yield, then park up to 1 ms), never
 * spins: the machine has 2 cores.
 *
 * <p>Error policy: an exception from {@link #onRecord} is a broken invariant of this replica (the journal replays
 * into the writer's state without error, so the replica must too): logged, reported through {@link #onFailure} and
 * the {@link #onStopped} listener (the engine halts), and the follower stops.
 */
abstract class JournalFollower implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalFollower.class);

    protected final Journal journal;
    private final String name;
    private final IdleStrategy idle = idleStrategy();
    private final EventRecord record = new EventRecord();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile Consumer<Throwable> stoppedListener = t -> { };
    private Thread thread;
    private long startPosition;

    /**
     * How a thread that tails the journal waits when there is nothing new: no spinning (2 cores), 20 yields, then
     * parks from 1 µs growing to 1 ms, which bounds the added latency of an idle follower at about a millisecond.
     */
    static IdleStrategy idleStrategy()
    {
        return new BackoffIdleStrategy(0, 20, 1_000, 1_000_000);
    }

    JournalFollower(final String name, final Journal journal)
    {
        this.name = name;
        this.journal = journal;
    }

    /** Starts following from {@code position} (the first event to read). */
    void start(final long position)
    {
        startPosition = position;
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public final void run()
    {
        try (JournalReader reader = journal.newReader())
        {
            if (!reader.seek(startPosition))
            {
                throw new IllegalStateException(name + " cannot seek the journal to position " + startPosition);
            }
            while (running)
            {
                int work = 0;
                while (work < 1_000 && wantsRecords() && reader.next(record))
                {
                    onRecord(record);
                    work++;
                }
                work += doIdleWork();
                idle.idle(work);
            }
        }
        catch (final Throwable t)
        {
            dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(t);
            failure = t;
            LOG.error("{} stopped: {}", name, t.toString(), t);
            onFailure(t);
            stoppedListener.accept(t);
        }
    }

    /** Called on this follower's thread when it stops on an exception (the engine halts: a broken invariant). */
    void onStopped(final Consumer<Throwable> listener)
    {
        stoppedListener = listener;
    }

    /** One journaled event, in position order. */
    protected abstract void onRecord(EventRecord record);

    /** Whether to read now; a lazy follower (the snapshotter) reads only when it has a reason to. */
    protected boolean wantsRecords()
    {
        return true;
    }

    /** Housekeeping between reads (timers, requests); returns the amount of work done. */
    protected int doIdleWork()
    {
        return 0;
    }

    protected void onFailure(final Throwable t)
    {
    }

    Throwable failure()
    {
        return failure;
    }

    void stop()
    {
        running = false;
        if (thread != null)
        {
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
