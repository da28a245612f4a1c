package dev.strand.engine.api;

/**
 * Where a subscription's events go. Called on the engine's {@code subscriptions} thread, in position order (also
 * {@link #onClose}); must not block.
 */
public interface SubscriptionSink
{
    /**
     * @return true when the sink took the event; false when it cannot now (its outbound buffer is full): the
     * engine keeps the event and offers it again after {@link Subscription#wakeUp()} or a short back-off, so
     * nothing is skipped and the engine buffers nothing for it.
     */
    boolean offer(RecordedEvent event);

    /**
     * The engine ended the subscription (engine stopping, or the journal could not be read).
     *
     * @param lastDelivered the position of the last event the sink accepted, 0 if none.
     */
    void onClose(long lastDelivered, String reason);
}
