package dev.strand.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration file ({@code --config FILE}): one setting a line, {@code name = value}, with the flags' names
 * ({@code ring-size = 65536}, {@code durability = sync}); blank lines and lines starting with {@code #} are ignored;
 * the value is the rest of the line, trimmed. A flag beats the file, which beats the environment. Every refusal names
 * the file and the line.
 */
public final class ConfigFile
{
    /** One {@code name = value} line. */
    public record Entry(String name, String value, int line)
    {
    }

    private final Path path;
    private final Map<String, Entry> entries;

    private ConfigFile(final Path path, final Map<String, Entry> entries)
    {
        this.path = path;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** No file: nothing comes from one. */
    public static final ConfigFile NONE = new ConfigFile(null, new LinkedHashMap<>());

    /**
     * @throws ConfigException when the file cannot be read, a line is not {@code name = value}, or a name is given
     *                         twice.
     */
    public static ConfigFile read(final Path path)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigException("--config " + path + ": no such file");
        }
        catch (final CharacterCodingException ex)
        {
            throw new ConfigException("--config " + path + ": not UTF-8 text");
        }
        catch (final IOException ex)
        {
            throw new ConfigException("--config " + path + ": cannot be read: " + ex.getMessage());
        }
        final Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int eq = line.indexOf('=');
            final String name = eq < 0 ? "" : line.substring(0, eq).strip();
            if (name.isEmpty())
            {
                throw new ConfigException(path + " line " + (i + 1) + ": expected name = value, was '" +
                    abbreviate(line) + "'");
            }
            final Entry entry = new Entry(name, line.substring(eq + 1).strip(), i + 1);
            final Entry earlier = entries.put(name, entry);
            if (earlier != null)
            {
                throw new ConfigException(path + " line " + (i + 1) + ": " + name + " is already set on line " +
                    earlier.line());
            }
        }
        return new ConfigFile(path, entries);
    }

    /** The file, or null for {@link #NONE}. */
    public Path path()
    {
        return path;
    }

    /** Lines by setting name, in file order. */
    public Map<String, Entry> entries()
    {
        return entries;
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
