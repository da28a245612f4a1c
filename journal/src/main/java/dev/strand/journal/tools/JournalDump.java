package dev.strand.journal.tools;

import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalCorruptedException;
import dev.strand.journal.JournalReader;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code dump} tool ({@code java -jar strand.jar dump <dir> [--from N] [--limit N]}): prints one line per event
 * from a position, at most a number of events. Opens the journal read-only. Exit status 0 ok,
 * 1 corrupt, 2 usage error.
 */
public final class JournalDump
{
    private static final int PAYLOAD_PREVIEW_BYTES = 32;

    private JournalDump()
    {
    }

    /**
     * Prints the events of the journal in {@code directory}.
     *
     * @param directory the journal directory.
     * @param from      the first position, at least 1.
     * @param limit     the most events to print, at least 0.
     * @param out       where events go.
     * @param err       where errors go.
     * @return the exit status: {@link JournalVerify#OK}, {@link JournalVerify#CORRUPT} or {@link JournalVerify#USAGE}.
     */
    public static int dump(final Path directory, final long from, final long limit, final PrintStream out, final PrintStream err)
    {
        if (from < 1 || limit < 0)
        {
            return usage(err, "fromPosition must be >= 1 and limit >= 0");
        }
        if (!Files.isDirectory(directory))
        {
            return usage(err, "not a directory: " + directory);
        }
        try (Journal journal = Journal.openReadOnly(directory); JournalReader reader = journal.newReader())
        {
            if (!reader.seek(from))
            {
                err.println("position " + from + " is beyond the end (last position " + journal.lastPosition() + ')');
                return JournalVerify.OK;
            }
            final EventRecord event = new EventRecord();
            final StringBuilder line = new StringBuilder(256);
            for (long n = 0; n < limit && reader.next(event); n++)
            {
                line.setLength(0);
                format(event, line);
                out.println(line);
            }
            return JournalVerify.OK;
        }
        catch (final JournalCorruptedException ex)
        {
            err.println("CORRUPT: " + ex.getMessage());
            return JournalVerify.CORRUPT;
        }
        catch (final IllegalArgumentException ex)
        {
            return usage(err, ex.getMessage());
        }
    }

    static void format(final EventRecord e, final StringBuilder sb)
    {
        sb.append(e.position())
            .append(" commit=").append(e.commitFirstPosition()).append("..").append(e.commitLastPosition())
            .append(" ts=").append(e.timestampMicros())
            .append(" aggregate=").append(e.aggregateType()).append('/').append(e.aggregateId())
            .append(" v=").append(e.version())
            .append(" event=").append(e.eventType()).append('@').append(e.schemaVersion())
            .append(" command=").append(e.commandId())
            .append(" correlation=").append(e.correlationId())
            .append(" causation=").append(e.causationId());
        if (e.hasTraceContext())
        {
            sb.append(" traceparent=").append(e.traceparent());
        }
        sb.append(" payload=").append(e.payloadLength()).append("B:");
        final int preview = Math.min(e.payloadLength(), PAYLOAD_PREVIEW_BYTES);
        for (int i = 0; i < preview; i++)
        {
            final int b = e.payload().getByte(e.payloadOffset() + i) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        if (preview < e.payloadLength())
        {
            sb.append("...");
        }
    }

    private static int usage(final PrintStream err, final String problem)
    {
        err.println(problem);
        return JournalVerify.USAGE;
    }
}
