package dev.strand.engine.api;

import dev.strand.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@code --modules DIR} refuses, each as one line naming the directory and the jar. (A module whose classes are
 * only in a jar of the directory, loaded into the shipped strand.jar, is fault-tests' ModulesDirectoryIT.)
 */
class ModuleDirectoryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseADirectoryThatIsMissingOrHoldsNoJar() throws IOException
    {
        assertThatThrownBy(() -> ModuleDirectory.load(dir.resolve("nope")))
            .isInstanceOf(ConfigException.class).hasMessage("--modules " + dir.resolve("nope") + ": no such directory");
        Files.writeString(dir.resolve("readme.txt"), "not a jar");
        assertThatThrownBy(() -> ModuleDirectory.load(dir))
            .isInstanceOf(ConfigException.class).hasMessage("--modules " + dir + ": no .jar file in it");
        assertThatThrownBy(() -> ModuleDirectory.load(dir.resolve("readme.txt")))
            .isInstanceOf(ConfigException.class).hasMessageEndingWith(": not a directory");
    }

    @Test
    void shouldRefuseAJarThatIsNotAJar() throws IOException
    {
        Files.write(dir.resolve("broken.jar"), new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> ModuleDirectory.load(dir))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("--modules " + dir + ": broken.jar is not a readable jar");
    }

    @Test
    void shouldRefuseAModuleThatFailsToLoad() throws IOException
    {
        serviceJar(dir.resolve("missing.jar"), "com.example.NoSuchModule");
        assertThatThrownBy(() -> ModuleDirectory.load(dir))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("--modules " + dir + ": a module failed to load")
            .hasMessageContaining("com.example.NoSuchModule")
            .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldRefuseATypeNameRegisteredTwice() throws IOException
    {
        // the test class path registers the inventory module (type item); the jar names another module of type item
        serviceJar(dir.resolve("second-item.jar"), "dev.strand.engine.testdomain.SecondItemModule");
        assertThatThrownBy(() -> ModuleDirectory.load(dir))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("--modules " + dir + ": two modules register aggregate type item")
            .hasMessageContaining("dev.strand.engine.testdomain.SecondItemModule");
    }

    @Test
    void shouldRefuseACommandNameRegisteredTwiceInOneAggregateTypeAndTakeItInAnother() throws IOException
    {
        serviceJar(dir.resolve("bin.jar"), "dev.strand.engine.testdomain.BinModule");
        assertThat(ModuleDirectory.load(dir)).as("Restock in item and in bin: scoped, both load")
            .extracting(m -> m.aggregateType()).contains("item", "bin");

        serviceJar(dir.resolve("twice.jar"), "dev.strand.engine.testdomain.BinModule$Twice");
        assertThatThrownBy(() -> ModuleDirectory.load(dir))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("--modules " + dir + ": ")
            .hasMessageContaining("Fill")
            .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldLoadTheClassPathModulesWithTheDirectorysInNameOrder() throws IOException
    {
        Files.createDirectories(dir.resolve("empty-but-a-jar"));
        serviceJar(dir.resolve("empty-but-a-jar/none.jar"), null);
        assertThat(ModuleDirectory.load(dir.resolve("empty-but-a-jar")))
            .extracting(m -> m.aggregateType()).contains("account", "item");
    }

    private static void serviceJar(final Path jar, final String moduleClass) throws IOException
    {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file))
        {
            if (moduleClass != null)
            {
                out.putNextEntry(new JarEntry("META-INF/services/dev.strand.engine.spi.AggregateModule"));
                out.write((moduleClass + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            else
            {
                out.putNextEntry(new JarEntry("placeholder.txt"));
                out.write("a jar with no module".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }
}
