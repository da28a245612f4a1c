package dev.strand.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * fsync helpers, and the one way the journal writes a small file atomically.
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

    /**
     * Replaces {@code directory/name} with {@code bytes} so that a crash leaves either the old file or the new one,
     * never a part: the bytes go to {@code name.tmp}, which is forced, renamed over the file atomically, and the
     * directory is forced so the rename itself survives a power loss. For the journal's small side files and
     * manifests, written whole.
     */
    static void writeAtomically(final Path directory, final String name, final byte[] bytes) throws IOException
    {
        final Path temp = directory.resolve(name + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer src = ByteBuffer.wrap(bytes);
            while (src.hasRemaining())
            {
                channel.write(src);
            }
            channel.force(true);
        }
        Files.move(temp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        directory(directory);
    }
}
