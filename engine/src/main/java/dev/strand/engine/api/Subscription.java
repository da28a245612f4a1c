package dev.strand.engine.api;

/** A live or catch-up subscription handle. */
public interface Subscription extends AutoCloseable
{
    /** Position of the last event the sink accepted, 0 if none. */
    long lastDeliveredPosition();

    /** Tells the engine the sink can take events again (e.g. from a WebSocket drain handler). */
    void wakeUp();

    /** Stops delivery; idempotent. Does not call {@link SubscriptionSink#onClose}. */
    @Override
    void close();
}
