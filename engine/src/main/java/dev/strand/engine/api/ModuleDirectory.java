package dev.strand.engine.api;

import dev.strand.config.ConfigException;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.Projection;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * {@code --modules DIR}: every {@code *.jar} in a directory, loaded through one class loader (child of the engine's)
 * with {@link ServiceLoader}, next to the modules on the class path. Jars are taken in name order, so the same
 * directory gives the same modules in the same order on every start and every cluster member. Anything that cannot
 * be used (no such directory, a jar that is not a readable jar, a module that fails to load, a type name two modules
 * register) is a {@link ConfigException}: one line naming the jar, and exit 2 from the command line.
 */
public final class ModuleDirectory
{
    /** The directory's jars as URLs, each checked readable. */
    private static URL[] urls(final Path dir)
    {
        final List<Path> jars = jars(dir);
        final URL[] urls = new URL[jars.size()];
        for (int i = 0; i < jars.size(); i++)
        {
            checkReadable(dir, jars.get(i));
            try
            {
                urls[i] = jars.get(i).toUri().toURL();
            }
            catch (final MalformedURLException ex)
            {
                throw new ConfigException("--modules " + dir + ": " + jars.get(i).getFileName() + ": " + ex.getMessage());
            }
        }
        return urls;
    }

    /** Every module {@code loader}'s service files name, in their order; one that fails to load is one line. */
    @SuppressWarnings("rawtypes")
    private static List<AggregateModule<?>> modules(final Path dir, final ClassLoader loader)
    {
        final List<AggregateModule<?>> modules = new ArrayList<>();
        final Iterator<AggregateModule> it = ServiceLoader.load(AggregateModule.class, loader).iterator();
        while (true)
        {
            try
            {
                if (!it.hasNext())
                {
                    return modules;
                }
                modules.add(it.next());
            }
            catch (final ServiceConfigurationError | RuntimeException | LinkageError ex)
            {
                final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
                throw new ConfigException("--modules " + dir + ": a module failed to load: " + oneLine(ex.getMessage()) +
                    (cause != ex ? " (" + oneLine(cause.toString()) + ")" : ""));
            }
        }
    }

    /** Every projection {@code loader}'s service files name (the class path's and the jars'), in their order. */
    @SuppressWarnings("rawtypes")
    private static List<Projection<?>> projections(final Path dir, final ClassLoader loader)
    {
        final List<Projection<?>> projections = new ArrayList<>();
        final Iterator<Projection> it = ServiceLoader.load(Projection.class, loader).iterator();
        while (true)
        {
            try
            {
                if (!it.hasNext())
                {
                    return projections;
                }
                projections.add(it.next());
            }
            catch (final ServiceConfigurationError | RuntimeException | LinkageError ex)
            {
                final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
                throw new ConfigException("--modules " + dir + ": a projection failed to load: " + oneLine(ex.getMessage()) +
                    (cause != ex ? " (" + oneLine(cause.toString()) + ")" : ""));
            }
        }
    }

    /**
     * What a directory of jars gives, with the class path's: the modules and the projections, all loaded through the
     * same class loader (a projection folds its module's event records, the same classes).
     *
     * @param modules     the class path's modules, then the directory's.
     * @param projections the class path's projections, then the directory's.
     */
    public record Loaded(List<AggregateModule<?>> modules, List<Projection<?>> projections)
    {
    }

    private ModuleDirectory()
    {
    }

    /**
     * @param dir the directory given with {@code --modules}.
     * @return the class path's modules, then the directory's.
     * @throws ConfigException saying what cannot be used.
     */
    public static List<AggregateModule<?>> load(final Path dir)
    {
        return loadAll(dir).modules();
    }

    /**
     * @param dir the directory given with {@code --modules}.
     * @return the modules and projections of the class path and of the directory's jars.
     * @throws ConfigException saying what cannot be used (a projection's name used twice among them too).
     */
    public static Loaded loadAll(final Path dir)
    {
        final URL[] urls = urls(dir);
        // Never closed: the modules' classes live as long as the engine.
        final URLClassLoader loader = new URLClassLoader("strand-modules", urls, ModuleDirectory.class.getClassLoader());
        final List<AggregateModule<?>> found = modules(dir, loader);
        if (found.isEmpty())
        {
            throw new ConfigException("--modules " + dir + ": no aggregate module found there or on the class path");
        }
        try
        {
            new ModuleRegistry(found);
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw new ConfigException("--modules " + dir + ": " + oneLine(ex.getMessage()) + " (modules: " +
                describe(found) + ")");
        }
        return new Loaded(List.copyOf(found), List.copyOf(projections(dir, loader)));
    }

    /**
     * The modules to try in a replay ({@code strand replay --modules DIR}): the directory's jars loaded apart from the
     * class path (child first, so a jar may hold a new version of a class the class path has, such as the shipped
     * ledger's), each module replacing the class path's module of the same aggregate type; the class path's other
     * modules are kept. Only the SPI, the API and the platform come from the class path.
     *
     * @param dir the directory of jars.
     * @return the class path's modules with the directory's in place of those of the same type, then the directory's
     * others.
     * @throws ConfigException saying what cannot be used.
     */
    @SuppressWarnings("rawtypes")
    public static List<AggregateModule<?>> loadReplacing(final Path dir)
    {
        final URL[] urls = urls(dir);
        final ClassLoader loader = new ChildFirst(urls, ModuleDirectory.class.getClassLoader());
        final List<AggregateModule<?>> given = modules(dir, loader);
        if (given.isEmpty())
        {
            throw new ConfigException("--modules " + dir + ": no aggregate module found in its jars");
        }
        final List<AggregateModule<?>> all = new ArrayList<>();
        final java.util.Set<String> replaced = new java.util.HashSet<>();
        for (final AggregateModule<?> m : given)
        {
            replaced.add(m.aggregateType());
        }
        for (final AggregateModule<?> m : EngineConfig.discoverModules())
        {
            if (!replaced.contains(m.aggregateType()))
            {
                all.add(m);
            }
        }
        all.addAll(given);
        try
        {
            new ModuleRegistry(all);
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw new ConfigException("--modules " + dir + ": " + oneLine(ex.getMessage()) + " (modules: " +
                describe(all) + ")");
        }
        return all;
    }

    /**
     * Loads a jar's own classes and services before the parent's; the SPI, the API, the configuration types, logging
     * and the platform always come from the parent, so the modules it loads plug into the engine.
     */
    private static final class ChildFirst extends URLClassLoader
    {
        private static final String[] SHARED = {"java.", "javax.", "jdk.", "sun.", "dev.strand.engine.spi.",
            "dev.strand.engine.api.", "dev.strand.config.", "org.slf4j."};

        ChildFirst(final URL[] urls, final ClassLoader parent)
        {
            super("strand-replay-modules", urls, parent);
        }

        @Override
        protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
        {
            synchronized (getClassLoadingLock(name))
            {
                Class<?> c = findLoadedClass(name);
                if (c == null && !shared(name))
                {
                    try
                    {
                        c = findClass(name);
                    }
                    catch (final ClassNotFoundException ex)
                    {
                        c = null;
                    }
                }
                if (c == null)
                {
                    return super.loadClass(name, resolve);
                }
                if (resolve)
                {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public java.util.Enumeration<URL> getResources(final String name) throws IOException
        {
            // services: only the jars' own, so the class path's modules are not found twice
            return name.startsWith("META-INF/services/") ? findResources(name) : super.getResources(name);
        }

        private static boolean shared(final String name)
        {
            for (final String prefix : SHARED)
            {
                if (name.startsWith(prefix))
                {
                    return true;
                }
            }
            return false;
        }
    }

    private static List<Path> jars(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            throw new ConfigException("--modules " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        try (Stream<Path> files = Files.list(dir))
        {
            final List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                .sorted().toList();
            if (jars.isEmpty())
            {
                throw new ConfigException("--modules " + dir + ": no .jar file in it");
            }
            return jars;
        }
        catch (final IOException ex)
        {
            throw new ConfigException("--modules " + dir + ": cannot list it: " + ex.getMessage());
        }
    }

    private static void checkReadable(final Path dir, final Path jar)
    {
        try (JarFile file = new JarFile(jar.toFile()))
        {
            file.getManifest();
        }
        catch (final IOException | SecurityException ex)
        {
            throw new ConfigException("--modules " + dir + ": " + jar.getFileName() + " is not a readable jar: " +
                oneLine(String.valueOf(ex.getMessage())));
        }
    }

    /** Each module's aggregate type and where its class came from. */
    private static String describe(final List<AggregateModule<?>> modules)
    {
        final StringBuilder out = new StringBuilder();
        for (final AggregateModule<?> m : modules)
        {
            if (out.length() > 0)
            {
                out.append(", ");
            }
            final java.security.CodeSource source = m.getClass().getProtectionDomain().getCodeSource();
            final String where = source == null || source.getLocation() == null ? "the class path" :
                Path.of(source.getLocation().getPath()).getFileName().toString();
            out.append(m.aggregateType()).append(" (").append(m.getClass().getName()).append(", ").append(where).append(')');
        }
        return out.toString();
    }

    private static String oneLine(final String text)
    {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
