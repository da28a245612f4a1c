package dev.strand.engine.api;

/** Receives a batch's outcome; same threading rules as {@link CommandCallback}. */
@FunctionalInterface
public interface BatchCallback
{
    void onComplete(BatchResult result);
}
