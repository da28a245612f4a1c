package dev.strand.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Makes a journal durable whatever its durability setting: fsyncs every file in its directory and the directory
 * itself. Used before a cluster snapshot, so the journal never ends before a snapshot that says it holds more
 * (after a power loss the page cache is gone; the snapshot is not).
 */
final class JournalFiles
{
    private JournalFiles()
    {
    }

    static void force(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(file))
                {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
                    {
                        channel.force(true);
                    }
                }
            }
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
            {
                channel.force(true);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot make the journal " + directory + " durable", ex);
        }
    }
}
