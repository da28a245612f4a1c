package dev.strand.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories for benchmark journals, under {@code -Dstrand.bench.dir} or java.io.tmpdir. */
public final class BenchDirs
{
    private BenchDirs()
    {
    }

    /** A new empty directory; its parent is created if needed. */
    public static Path newDir(final String prefix)
    {
        final String base = System.getProperty(BenchFlags.DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        try
        {
            final Path parent = Paths.get(base);
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Deletes a directory tree; missing is fine. */
    public static void delete(final Path dir)
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(BenchDirs::deleteOne);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteOne(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Total size of the regular files under {@code dir}. */
    public static long size(final Path dir)
    {
        try (Stream<Path> walk = Files.walk(dir))
        {
            return walk.filter(Files::isRegularFile).mapToLong(p ->
            {
                try
                {
                    return Files.size(p);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }).sum();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
