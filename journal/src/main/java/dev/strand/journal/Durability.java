package dev.strand.journal;

/**
 * How far a committed record has travelled towards the disk when {@link JournalAppender#flush()} returns.
 */
public enum Durability
{
    /**
     * Records live in the page cache of the memory-mapped cycle file: they survive a process crash
     * ({@code kill -9}) but not a power loss or kernel crash. {@link JournalAppender#flush()} does nothing.
     */
    ASYNC,

    /**
     * The queue is built with Chronicle's {@code SyncMode.SYNC}; {@link JournalAppender#flush()} msyncs
     * ({@code MS_SYNC}) everything committed so far, so it survives a power loss once flush returns.
     * Call it once per Disruptor batch (group commit).
     */
    SYNC
}
