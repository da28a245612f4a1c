package dev.strand.journal.tools;

import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalCorruptedException;
import dev.strand.journal.JournalReader;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code JournalDump <journal-dir> [fromPosition] [limit]}: prints one line per event from {@code fromPosition}
 * (default 1), at most {@code limit} events (default all). Opens the journal read-only. Exit status 0 ok,
 * 1 corrupt, 2 usage error.
 */
public final class JournalDump
{
    private static final int PAYLOAD_PREVIEW_BYTES = 32;

    private JournalDump()
    {
    }

    /**
     * @param args {@code <journal-dir> [fromPosition] [limit]}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the tool without exiting the JVM.
     *
     * @param args {@code <journal-dir> [fromPosition] [limit]}.
     * @param out  where events go.
     * @param err  where errors go.
     * @return the exit status.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length < 1 || args.length > 3)
        {
            return usage(err, null);
        }
        final Path directory = Path.of(args[0]);
        final long from;
        final long limit;
        try
        {
            from = args.length > 1 ? Long.parseLong(args[1]) : 1;
            limit = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        }
        catch (final NumberFormatException ex)
        {
            return usage(err, "not a number: " + ex.getMessage());
        }
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
            .append(" causation=").append(e.causationId())
            .append(" payload=").append(e.payloadLength()).append("B:");
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
        if (problem != null)
        {
            err.println(problem);
        }
        err.println("usage: JournalDump <journal-dir> [fromPosition] [limit]");
        return JournalVerify.USAGE;
    }
}
