package dev.strand.fault;

import dev.strand.fault.module.GadgetModule;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Packages the test module ({@link GadgetModule}) as a jar a user would drop next to strand.jar. */
final class ModuleJar
{
    private ModuleJar()
    {
    }

    static Path build(final Path jar)
    {
        try
        {
            final Path classes = Path.of(GadgetModule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path pkg = classes.resolve("dev/strand/fault/module");
            Files.createDirectories(jar.getParent());
            try (OutputStream file = Files.newOutputStream(jar);
                 JarOutputStream out = new JarOutputStream(file);
                 Stream<Path> files = Files.list(pkg))
            {
                for (final Path c : (Iterable<Path>)files.filter(p -> p.toString().endsWith(".class")).sorted()::iterator)
                {
                    out.putNextEntry(new JarEntry("dev/strand/fault/module/" + c.getFileName()));
                    out.write(Files.readAllBytes(c));
                    out.closeEntry();
                }
                out.putNextEntry(new JarEntry("META-INF/services/dev.strand.engine.spi.AggregateModule"));
                out.write((GadgetModule.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            return jar;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
