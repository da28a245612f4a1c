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

/** Packages a test module ({@link GadgetModule}, the counter releases) as a jar a user would drop next to strand.jar. */
final class ModuleJar
{
    private ModuleJar()
    {
    }

    static Path build(final Path jar)
    {
        return build(jar, GadgetModule.class);
    }

    /** Packages the classes of {@code module}'s package, with a service entry naming {@code module}. */
    static Path build(final Path jar, final Class<?> module)
    {
        try
        {
            final Path classes = Path.of(module.getProtectionDomain().getCodeSource().getLocation().toURI());
            final String packagePath = module.getPackageName().replace('.', '/');
            final Path pkg = classes.resolve(packagePath);
            Files.createDirectories(jar.getParent());
            try (OutputStream file = Files.newOutputStream(jar);
                 JarOutputStream out = new JarOutputStream(file);
                 Stream<Path> files = Files.list(pkg))
            {
                for (final Path c : (Iterable<Path>)files.filter(p -> p.toString().endsWith(".class")).sorted()::iterator)
                {
                    out.putNextEntry(new JarEntry(packagePath + "/" + c.getFileName()));
                    out.write(Files.readAllBytes(c));
                    out.closeEntry();
                }
                out.putNextEntry(new JarEntry("META-INF/services/dev.strand.engine.spi.AggregateModule"));
                out.write((module.getName() + "\n").getBytes(StandardCharsets.UTF_8));
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
