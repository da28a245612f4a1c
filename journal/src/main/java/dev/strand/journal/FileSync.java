package dev.strand.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * fsync helpers.
 */
final class FileSync
{
    private FileSync()
    {
    }

    /**
     * fsyncs a directory so a rename inside it is durable (Linux allows opening a directory for reading
     * and forcing it).
     */
    static void directory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
