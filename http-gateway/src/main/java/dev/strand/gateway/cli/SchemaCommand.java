package dev.strand.gateway.cli;

import dev.strand.config.ConfigException;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.ModuleDirectory;
import dev.strand.engine.api.SchemaCatalog;
import dev.strand.engine.api.SchemaLock;
import dev.strand.engine.spi.AggregateModule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code strand schema check|lock [--lock FILE] [--modules DIR]}: the event schemas of the modules (the class path's,
 * and a {@code --modules} directory's) against a committed {@code schemas.lock} ({@link SchemaLock}).
 */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {"The modules' event schemas against a committed schemas.lock: an event schema may change only " +
        "with a new schema version and an upcaster, since journals keep the old events."},
    subcommands = {SchemaCommand.Check.class, SchemaCommand.Lock.class})
final class SchemaCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        spec.commandLine().getErr().println("strand: schema needs a command: check or lock (see --help)");
        return ExitCode.USAGE;
    }

    /** The options both take. */
    abstract static class Base implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Option(names = "--lock", paramLabel = "<file>", defaultValue = "schemas.lock",
            description = "the lock file; default ${DEFAULT-VALUE}")
        Path lock;

        @Option(names = "--modules", paramLabel = "<dir>",
            description = "also load every *.jar in this directory, as serve --modules does")
        Path modules;

        SchemaCatalog catalog()
        {
            final List<AggregateModule<?>> found = modules == null ? EngineConfig.discoverModules() :
                ModuleDirectory.load(modules);
            return SchemaCatalog.of(found);
        }

        List<SchemaLock.Entry> locked(final boolean mayBeMissing)
        {
            try
            {
                return SchemaLock.parse(Files.readString(lock, StandardCharsets.UTF_8));
            }
            catch (final NoSuchFileException ex)
            {
                if (mayBeMissing)
                {
                    return List.of();
                }
                throw new ConfigException("--lock " + lock + ": no such file (strand schema lock writes it)");
            }
            catch (final IOException ex)
            {
                throw new ConfigException("--lock " + lock + ": cannot be read: " + ex.getMessage());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException("--lock " + lock + ": " + ex.getMessage());
            }
        }
    }

    @Command(
        name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = StrandVersion.class,
        description = {"Fails when a locked event schema changed without a new schema version and an upcaster, or a " +
            "locked event type is gone; prints one line either way."},
        footerHeading = "%nExit status:%n",
        footer = {"  0  compatible", "  1  not compatible (the line says which schema)", "  2  usage error"})
    static final class Check extends Base
    {
        @Override
        public Integer call()
        {
            final SchemaLock.Result result = SchemaLock.check(catalog(), locked(false));
            if (!result.compatible())
            {
                spec.commandLine().getErr().println("strand: " + lock + ": " + result.summary());
                return ExitCode.FAILED;
            }
            spec.commandLine().getOut().println(lock + ": " + result.summary());
            return ExitCode.OK;
        }
    }

    @Command(
        name = "lock",
        mixinStandardHelpOptions = true,
        versionProvider = StrandVersion.class,
        description = {"Adds the current schema version of every event type to the lock file (creating it); refuses, " +
            "as check does, when a locked schema changed."},
        footerHeading = "%nExit status:%n",
        footer = {"  0  written", "  1  not compatible (nothing written)", "  2  usage error"})
    static final class Lock extends Base
    {
        @Override
        public Integer call() throws IOException
        {
            final String text;
            try
            {
                text = SchemaLock.merge(catalog(), locked(true));
            }
            catch (final IllegalStateException ex)
            {
                spec.commandLine().getErr().println("strand: " + lock + ": " + ex.getMessage());
                return ExitCode.FAILED;
            }
            Files.writeString(lock, text, StandardCharsets.UTF_8);
            spec.commandLine().getOut().println(lock + ": " + (text.lines().filter(l -> !l.startsWith("#")).count()) +
                " event schemas locked");
            return ExitCode.OK;
        }
    }
}
