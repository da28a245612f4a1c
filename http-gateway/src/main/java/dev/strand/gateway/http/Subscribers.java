package dev.strand.gateway.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open WebSocket subscriptions, so a shutdown can close each with its last delivered position, and the frames
 * they share: each event is encoded once for all of them.
 */
public final class Subscribers
{
    private final Set<WebSocketSubscriber> open = ConcurrentHashMap.newKeySet();
    private final EventFrames frames;

    /** @param maxFrameSize the largest payload of one outbound WebSocket frame ({@code --ws-max-frame-size}). */
    public Subscribers(final int maxFrameSize)
    {
        this.frames = new EventFrames(maxFrameSize);
    }

    /** The shared frames; used only on the engine's subscriptions thread. */
    EventFrames frames()
    {
        return frames;
    }

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
