package dev.strand.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * Where a test keeps its data directories and server logs: {@code target/fault-work/<test>/}, emptied when the test
 * starts and left in place when it fails (so the logs can be read). Figures for docs/reliability.md are appended to
 * {@code target/fault-work/figures.txt} and printed.
 */
final class Work
{
    private Work()
    {
    }

    static Path root()
    {
        return Path.of(System.getProperty("fault.work", "target/fault-work")).toAbsolutePath();
    }

    /** A fresh, empty directory for one test. */
    static Path fresh(final String name)
    {
        final Path dir = root().resolve(name);
        delete(dir);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return dir;
    }

    /** Deletes a test's directory (after it passed: the journals are large). */
    static void delete(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try
        {
            Files.walkFileTree(dir, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException exc) throws IOException
                {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Copies a data directory; cp keeps the pre-sized cycle files sparse (Files.copy would write every hole). */
    static void copy(final Path from, final Path to)
    {
        try
        {
            final Process p = new ProcessBuilder("cp", "-r", "--sparse=always", from.toString(), to.toString()).inheritIO().start();
            if (p.waitFor() != 0)
            {
                throw new IllegalStateException("cp " + from + " " + to + " failed");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Records one line of figures: printed, and appended to figures.txt. */
    static void figures(final String test, final String line)
    {
        final String text = Instant.now() + " " + test + ": " + line;
        System.out.println("FAULT-FIGURES " + text);
        try
        {
            Files.createDirectories(root());
            Files.writeString(root().resolve("figures.txt"), text + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
