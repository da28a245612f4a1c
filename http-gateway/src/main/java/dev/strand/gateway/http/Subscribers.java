package dev.strand.gateway.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open WebSocket subscriptions, so a shutdown can close each with its last delivered position. */
public final class Subscribers
{
    private final Set<WebSocketSubscriber> open = ConcurrentHashMap.newKeySet();

    void add(final WebSocketSubscriber subscriber)
    {
        open.add(subscriber);
    }

    void remove(final WebSocketSubscriber subscriber)
    {
        open.remove(subscriber);
    }

    public int count()
    {
        return open.size();
    }

    /** Frames written to all sockets and not yet flushed: bounded by ws-max-in-flight per subscriber. */
    public long framesInFlight()
    {
        long total = 0;
        for (final WebSocketSubscriber s : open)
        {
            total += s.framesInFlight();
        }
        return total;
    }

    /** Closes every subscription with 1001 (going away) and a reason carrying its last delivered position. */
    public void closeAllForShutdown()
    {
        for (final WebSocketSubscriber s : open)
        {
            s.closeForShutdown();
        }
    }
}
