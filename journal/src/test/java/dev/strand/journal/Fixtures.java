package dev.strand.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.awaitility.Awaitility;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Shared test helpers: configs, deterministic events, waiting on a condition (Awaitility).
 */
final class Fixtures
{
    private Fixtures()
    {
    }

    static JournalConfig.Builder config(final Path dir)
    {
        return JournalConfig.builder(dir).preallocate(false).minFreeBytes(0);
    }

    static byte[] payloadFor(final long position, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(position * 31 + i);
        }
        return bytes;
    }

    /**
     * Appends {@code commits} commits of {@code eventsPerCommit} events each, continuing from lastPosition().
     */
    static void append(final Journal journal, final int commits, final int eventsPerCommit, final int payloadLength)
    {
        final JournalAppender appender = journal.appender();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[payloadLength]);
        for (int c = 0; c < commits; c++)
        {
            appender.begin();
            for (int e = 0; e < eventsPerCommit; e++)
            {
                final long position = journal.lastPosition() + 1 + e;
                buffer.putBytes(0, payloadFor(position, payloadLength));
                appender.add(position, "account", "acc-" + (position % 7), position, "Deposited", 1,
                    1_700_000_000_000_000L + position, "cmd-" + position, "corr-" + position, "cmd-" + position,
                    buffer, 0, payloadLength);
            }
            appender.commit();
        }
        appender.flush();
    }

    static void assertEvent(final EventRecord event, final long position, final int payloadLength)
    {
        if (event.position() != position)
        {
            throw new AssertionError("expected position " + position + " got " + event);
        }
        final byte[] expected = payloadFor(position, payloadLength);
        if (event.payloadLength() != payloadLength)
        {
            throw new AssertionError("payload length at " + position + ": " + event.payloadLength());
        }
        for (int i = 0; i < payloadLength; i++)
        {
            if (event.payload().getByte(event.payloadOffset() + i) != expected[i])
            {
                throw new AssertionError("payload byte " + i + " differs at position " + position);
            }
        }
        if (!("cmd-" + position).equals(event.commandId()) || !event.commandId().equals(event.causationId()))
        {
            throw new AssertionError("ids differ at " + position + ": " + event);
        }
    }

    /** Awaitility, polling every millisecond: the pre-allocator test waits for a chunk after each of 150 batches. */
    static void await(final BooleanSupplier condition, final long timeoutMillis, final String what)
    {
        Awaitility.await(what).atMost(Duration.ofMillis(timeoutMillis)).pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1)).until(condition::getAsBoolean);
    }

    static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
