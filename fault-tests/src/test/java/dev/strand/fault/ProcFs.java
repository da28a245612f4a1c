package dev.strand.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Memory and file descriptors of a process, read from /proc (Linux). */
final class ProcFs
{
    private ProcFs()
    {
    }

    static long rssKib(final long pid)
    {
        return statusField(pid, "VmRSS:");
    }

    static long threads(final long pid)
    {
        return statusField(pid, "Threads:");
    }

    static int openFds(final long pid)
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd")))
        {
            return (int)fds.count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static long statusField(final long pid, final String field)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
            {
                if (line.startsWith(field))
                {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
            throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
