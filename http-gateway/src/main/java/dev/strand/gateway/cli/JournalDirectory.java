package dev.strand.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The journal a tool reads: a data directory's {@code journal/}, or a journal directory given directly. */
final class JournalDirectory
{
    private JournalDirectory()
    {
    }

    static Path of(final Path given)
    {
        final Path inside = given.resolve("journal");
        return Files.isDirectory(inside) ? inside : given;
    }
}
