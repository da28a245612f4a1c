package dev.strand.gateway.cli;

import dev.strand.config.ConfigException;
import dev.strand.config.SettingException;
import dev.strand.engine.api.ModuleLoadException;
import dev.strand.engine.api.OutOfMemoryPolicy;
import dev.strand.gateway.PortInUseException;
import dev.strand.journal.DirectoryNotWritableException;
import dev.strand.journal.JournalLockedException;

/**
 * The exit statuses of {@code strand}, one place. Every failure also prints one line on stderr saying why; none prints
 * a stack trace.
 */
public final class ExitCode
{
    /** Done; a server stopped by SIGTERM or SIGINT; {@code verify}: the journal is sound. */
    public static final int OK = 0;
    /** The server failed to start for a reason without a code of its own (e.g. a corrupt journal); {@code verify}
     * and {@code dump}: the journal is corrupt. */
    public static final int FAILED = 1;
    /** Usage or configuration error: an unknown flag, a bad value (the line names the flag or variable). */
    public static final int USAGE = 2;
    /** Out of memory on any thread: the process ends at once (the engine's {@link OutOfMemoryPolicy}). */
    public static final int OUT_OF_MEMORY = OutOfMemoryPolicy.EXIT_CODE;
    /** The data directory is in use by another process (the line names the directory and its pid). */
    public static final int DATA_DIR_IN_USE = 4;
    /** The HTTP port is in use, or the address cannot be bound (the line names host:port). */
    public static final int PORT_IN_USE = 5;
    /** The data directory cannot be created or written. */
    public static final int DATA_DIR_NOT_WRITABLE = 6;
    /** An aggregate module on the class path failed to load. */
    public static final int MODULE_LOAD_FAILED = 7;

    /** The exit statuses as help shows them (picocli's {@code %n} line breaks). */
    static final String HELP = "  0  ok; a server stopped by SIGTERM or SIGINT%n" +
        "  1  failed to start for another reason (e.g. a corrupt journal)%n" +
        "  2  usage or configuration error (the line names the flag or the variable)%n" +
        "  3  out of memory: the process ended at once; restart it, recovery replays the journal%n" +
        "  4  the data directory is in use by another process (the line names its pid)%n" +
        "  5  the HTTP port is in use or cannot be bound (the line names host:port)%n" +
        "  6  the data directory is not writable%n" +
        "  7  an aggregate module failed to load";

    private ExitCode()
    {
    }

    /**
     * @param failure what ended the command.
     * @return its exit status: the first cause in the chain that has a code of its own, else {@link #FAILED}.
     */
    public static int of(final Throwable failure)
    {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t instanceof ConfigException || t instanceof SettingException)
            {
                return USAGE;
            }
            if (t instanceof OutOfMemoryError)
            {
                return OUT_OF_MEMORY;
            }
            if (t instanceof JournalLockedException)
            {
                return DATA_DIR_IN_USE;
            }
            if (t instanceof PortInUseException)
            {
                return PORT_IN_USE;
            }
            if (t instanceof DirectoryNotWritableException)
            {
                return DATA_DIR_NOT_WRITABLE;
            }
            if (t instanceof ModuleLoadException || t instanceof java.util.ServiceConfigurationError)
            {
                return MODULE_LOAD_FAILED;
            }
        }
        return FAILED;
    }

    /**
     * @param failure what ended the command.
     * @return one line saying why: its message (an {@link Error} with its type), on one line.
     */
    public static String describe(final Throwable failure)
    {
        final String message = failure.getMessage();
        return oneLine(message == null || message.isBlank() || failure instanceof Error ? failure.toString() : message);
    }

    private static String oneLine(final String text)
    {
        return text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
