package dev.strand.engine.core;

import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves every subscription on one thread, {@code subscriptions}. It tails the journal once, decodes each new event
 * once and keeps the newest {@code liveBufferEvents} in a ring. A subscriber whose next position is in the ring is
 * served from memory; one that is further behind (a late start, or a slow reader that fell out of the ring) gets its
 * own journal reader and is served at its own pace until it is back in the ring. Because every subscriber is just
 * "the next position it needs", the switch from catch-up to live has no seam: no gap, no duplicate.
 *
 * <p>Backpressure: when a sink refuses an event (its socket's write queue is full) the hub keeps that one event and
 * offers it again later; it buffers nothing else for that subscriber, and the writer never waits for the hub.
 */
final class SubscriptionHub implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionHub.class);
    private static final int DELIVERY_BUDGET = 256;

    private final Journal journal;
    private final EventCodec codec;
    private final RecordedEvent[] recent;
    private final int mask;
    private final ConcurrentLinkedQueue<Sub> added = new ConcurrentLinkedQueue<>();
    private final List<Sub> subs = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final IdleStrategy idle = JournalFollower.idleStrategy();
    private final EventRecord record = new EventRecord();
    private volatile boolean running = true;
    private Thread thread;
    private JournalReader liveReader;
    private long liveNext;
    private long recentFrom;
    private boolean liveStale;

    SubscriptionHub(final Journal journal, final ModuleRegistry registry, final int liveBufferEvents)
    {
        this.journal = journal;
        this.codec = new EventCodec(registry);
        this.recent = new RecordedEvent[liveBufferEvents];
        this.mask = liveBufferEvents - 1;
    }

    void start()
    {
        liveNext = journal.lastPosition() + 1;
        recentFrom = liveNext;
        liveReader = journal.newReader();
        if (!liveReader.seek(liveNext))
        {
            throw new IllegalStateException("cannot tail the journal from " + liveNext);
        }
        thread = new Thread(this, "subscriptions");
        thread.setDaemon(true);
        thread.start();
    }

    int subscriptions()
    {
        return count.get();
    }

    Subscription subscribe(final long fromPosition, final EventFilter filter, final SubscriptionSink sink)
    {
        final long next = fromPosition <= 0 ? journal.lastPosition() + 1 : fromPosition;
        final Sub sub = new Sub(next, filter == null ? EventFilter.ALL : filter, sink);
        count.incrementAndGet();
        added.add(sub);
        LockSupport.unpark(thread);
        return sub;
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                int work = 0;
                Sub sub;
                while ((sub = added.poll()) != null)
                {
                    subs.add(sub);
                    work++;
                }
                work += readLive();
                for (int i = subs.size() - 1; i >= 0; i--)
                {
                    final Sub s = subs.get(i);
                    if (s.closed)
                    {
                        s.release();
                        subs.remove(i);
                        count.decrementAndGet();
                        continue;
                    }
                    try
                    {
                        work += deliver(s);
                    }
                    catch (final RuntimeException ex)
                    {
                        LOG.warn("subscription from {} failed: {}", s.next, ex.toString());
                        s.closeWith("journal read failed: " + ex.getMessage());
                    }
                }
                idle.idle(work);
            }
        }
        catch (final Throwable t)
        {
            dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(t);
            LOG.error("subscription hub stopped", t);
        }
        finally
        {
            for (final Sub s : subs)
            {
                s.closeWith("server stopping");
                s.release();
            }
            Sub s;
            while ((s = added.poll()) != null)
            {
                s.closeWith("server stopping");
            }
            subs.clear();
            liveReader.close();
        }
    }

    /**
     * Reads and decodes new events into the ring; with no subscriber it reads nothing (no CPU spent on events nobody
     * wants) and, when the first subscriber arrives, jumps to the journal's end: anyone behind that is served from
     * the journal.
     */
    private int readLive()
    {
        if (subs.isEmpty())
        {
            liveStale = true;
            return 0;
        }
        if (liveStale)
        {
            liveStale = false;
            final long end = journal.lastPosition() + 1;
            if (end > liveNext)
            {
                if (!liveReader.seek(end))
                {
                    throw new IllegalStateException("cannot tail the journal from " + end);
                }
                liveNext = end;
                recentFrom = end;
            }
        }
        int read = 0;
        while (read < 4096 && liveReader.next(record))
        {
            final RecordedEvent event = codec.toRecorded(record);
            recent[(int)(event.position() & mask)] = event;
            liveNext = event.position() + 1;
            if (liveNext - recentFrom > recent.length)
            {
                recentFrom = liveNext - recent.length;
            }
            read++;
        }
        return read;
    }

    private int deliver(final Sub s)
    {
        int work = 0;
        if (s.pending != null)
        {
            if (!s.sink.offer(s.pending))
            {
                return 0;
            }
            s.delivered(s.pending);
            s.pending = null;
            work++;
        }
        while (work < DELIVERY_BUDGET && s.next < liveNext)
        {
            final RecordedEvent event;
            if (s.next >= recentFrom)
            {
                s.release();
                event = recent[(int)(s.next & mask)];
                s.next++;
                if (!s.filter.matches(event))
                {
                    work++;
                    continue;
                }
            }
            else
            {
                if (s.reader == null)
                {
                    s.reader = journal.newReader();
                    if (!s.reader.seek(s.next))
                    {
                        throw new IllegalStateException("cannot read the journal from position " + s.next);
                    }
                }
                if (!s.reader.next(record))
                {
                    break;
                }
                s.next = record.position() + 1;
                work++;
                if (!s.filter.matches(record.aggregateId(), record.aggregateType(), record.eventType()))
                {
                    continue;
                }
                event = codec.toRecorded(record);
            }
            work++;
            if (s.sink.offer(event))
            {
                s.delivered(event);
            }
            else
            {
                s.pending = event;
                break;
            }
        }
        return work;
    }

    void close()
    {
        running = false;
        if (thread != null)
        {
            LockSupport.unpark(thread);
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

    private final class Sub implements Subscription
    {
        final EventFilter filter;
        final SubscriptionSink sink;
        long next;
        RecordedEvent pending;
        JournalReader reader;
        volatile long lastDelivered;
        volatile boolean closed;
        private boolean closeNotified;

        Sub(final long next, final EventFilter filter, final SubscriptionSink sink)
        {
            this.next = next;
            this.filter = filter;
            this.sink = sink;
        }

        void delivered(final RecordedEvent event)
        {
            lastDelivered = event.position();
        }

        void release()
        {
            if (reader != null)
            {
                reader.close();
                reader = null;
            }
        }

        void closeWith(final String reason)
        {
            closed = true;
            if (!closeNotified)
            {
                closeNotified = true;
                try
                {
                    sink.onClose(lastDelivered, reason);
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("subscription close callback failed: {}", ex.toString());
                }
            }
        }

        @Override
        public long lastDeliveredPosition()
        {
            return lastDelivered;
        }

        @Override
        public void wakeUp()
        {
            LockSupport.unpark(thread);
        }

        @Override
        public void close()
        {
            closed = true;
            closeNotified = true;
            LockSupport.unpark(thread);
        }
    }
}
