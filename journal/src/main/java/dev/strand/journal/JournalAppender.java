package dev.strand.journal;

import org.agrona.DirectBuffer;

/**
 * The journal's single appender. Only one thread may use it (the engine's journal stage). A commit is the
 * events of one command or one atomic batch: {@link #begin()}, {@link #add} each event, {@link #commit()}.
 * The whole commit becomes one Chronicle excerpt with a CRC32C, so a crash leaves all of it or none of it.
 * The append path allocates nothing in steady state.
 *
 * <p>Errors: {@link #commit()} and {@link #flush()} throw {@link JournalWriteException} on I/O failure and
 * {@link JournalFullException} when free space is below the floor. An {@link Error} (such as the
 * {@code InternalError} HotSpot raises for a SIGBUS on the mapped file) propagates unchanged. The engine
 * treats any throwable as a halt.
 */
public interface JournalAppender
{
    /**
     * Starts a commit.
     *
     * @throws IllegalStateException if a commit is already begun or the journal is closed.
     */
    void begin();

    /**
     * Adds one event to the begun commit. Strings may be null; each is limited to 65,534 UTF-8 bytes.
     * A causation id equal to the command id is stored once, as a flag.
     *
     * @param position        must be {@link Journal#lastPosition()} + 1 + the events already added.
     * @param aggregateType   aggregate type name.
     * @param aggregateId     aggregate id.
     * @param version         aggregate version after this event.
     * @param eventType       event type name.
     * @param schemaVersion   payload schema version.
     * @param timestampMicros the command's timestamp, epoch micros.
     * @param commandId       id of the command that produced the event.
     * @param correlationId   correlation id.
     * @param causationId     causation id.
     * @param payload         buffer holding the encoded payload (copied; may be reused after the call).
     * @param offset          payload offset in the buffer.
     * @param length          payload length.
     * @throws IllegalStateException    if no commit is begun or the position is not the next one.
     * @throws IllegalArgumentException if a string is too long or the payload range is outside the buffer.
     */
    default void add(
        long position,
        String aggregateType,
        String aggregateId,
        long version,
        String eventType,
        int schemaVersion,
        long timestampMicros,
        String commandId,
        String correlationId,
        String causationId,
        DirectBuffer payload,
        int offset,
        int length)
    {
        add(position, aggregateType, aggregateId, version, eventType, schemaVersion, timestampMicros, commandId,
            correlationId, causationId, 0, payload, offset, length);
    }

    /**
     * As {@link #add(long, String, String, long, String, int, long, String, String, String, DirectBuffer, int, int)},
     * with the command's fingerprint (0 for none), kept on the first event of each command: the engine tells a
     * repeat of a command from a different command that reuses its id by it.
     */
    default void add(
        long position,
        String aggregateType,
        String aggregateId,
        long version,
        String eventType,
        int schemaVersion,
        long timestampMicros,
        String commandId,
        String correlationId,
        String causationId,
        long commandFingerprint,
        DirectBuffer payload,
        int offset,
        int length)
    {
        add(position, aggregateType, aggregateId, version, eventType, schemaVersion, timestampMicros, commandId,
            correlationId, causationId, commandFingerprint, null, payload, offset, length);
    }

    /**
     * As {@link #add(long, String, String, long, String, int, long, String, String, String, long, DirectBuffer, int,
     * int)}, with the W3C trace context of the command that produced the event (null for none), kept with the event.
     *
     * @param traceparent a traceparent of version 00 in lowercase ({@link TraceContext#isStorable}), or null.
     * @throws IllegalArgumentException also for a traceparent the journal cannot store.
     */
    void add(
        long position,
        String aggregateType,
        String aggregateId,
        long version,
        String eventType,
        int schemaVersion,
        long timestampMicros,
        String commandId,
        String correlationId,
        String causationId,
        long commandFingerprint,
        String traceparent,
        DirectBuffer payload,
        int offset,
        int length);

    /**
     * Writes the begun commit as one excerpt; then {@link Journal#lastPosition()} advances. A commit with
     * no events writes nothing. On {@link JournalFullException} nothing is written and the commit stays
     * begun (the caller may {@link #abort()} it).
     *
     * @throws IllegalStateException if no commit is begun.
     * @throws JournalFullException  if free space is below the floor.
     * @throws JournalWriteException on I/O failure.
     */
    void commit();

    /**
     * Discards the begun commit, if any.
     */
    void abort();

    /**
     * Group-commit point, called at the end of a Disruptor batch. SYNC: msyncs everything committed so far; after a
     * roll to a new cycle file (and at the first flush after open) also fsyncs the cycle files left behind and the
     * journal directory, so the old cycle's end-of-cycle marker and the new file's directory entry are on disk
     * before anything in the new cycle is acknowledged. ASYNC: does nothing.
     *
     * @throws JournalWriteException on I/O failure.
     */
    void flush();
}
