/**
 * The durable record log of Strand, on Chronicle Queue, and the snapshot store.
 *
 * <p>Entry points: {@link dev.strand.journal.Journal#open(dev.strand.journal.JournalConfig)} (recovers, then
 * appends through the single {@link dev.strand.journal.JournalAppender} and reads through
 * {@link dev.strand.journal.JournalReader}s), {@link dev.strand.journal.JournalVerifier} (the one walker, used by
 * recovery and the verify tool) and {@link dev.strand.journal.SnapshotStore}. Nothing here knows the domain:
 * payloads and snapshot bodies are opaque bytes. The byte layouts are documented in {@code journal/README.md}.
 */
package dev.strand.journal;
