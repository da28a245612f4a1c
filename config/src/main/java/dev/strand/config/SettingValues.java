package dev.strand.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of every setting and where it came from: a flag beats the configuration file ({@link ConfigFile}), which
 * beats an environment variable, which beats the default.
 * Resolved and checked once, read-only afterwards; any bad value is a {@link ConfigException} naming the flag or the
 * environment variable it came from.
 */
public final class SettingValues
{
    /** Where a value came from. */
    public enum Origin
    {
        /** A command-line flag. */
        FLAG,
        /** A line of the configuration file. */
        FILE,
        /** An environment variable. */
        ENVIRONMENT,
        /** The declared default. */
        DEFAULT
    }

    private final Map<Setting<?>, Object> values = new HashMap<>();
    private final Map<Setting<?>, Origin> origins = new HashMap<>();
    private final Map<Setting<?>, String> texts = new HashMap<>();
    private final Map<Setting<?>, ConfigFile.Entry> fileEntries = new HashMap<>();
    private final List<Setting<?>> settings;
    private ConfigFile file = ConfigFile.NONE;

    private SettingValues(final List<Setting<?>> settings)
    {
        this.settings = List.copyOf(settings);
    }

    /**
     * @param settings every setting the program knows (names must be unique).
     * @param flags    flag values by setting name (without {@code --}).
     * @param env      the environment.
     * @return the checked values.
     * @throws ConfigException for the first bad value or an unknown flag name.
     */
    public static SettingValues resolve(final List<Setting<?>> settings, final Map<String, String> flags, final Map<String, String> env)
    {
        return resolve(settings, flags, ConfigFile.NONE, env);
    }

    /**
     * @param file a configuration file's lines: they beat the environment, flags beat them.
     * @throws ConfigException also for a line of the file that names no setting.
     */
    public static SettingValues resolve(final List<Setting<?>> settings, final Map<String, String> flags,
        final ConfigFile file, final Map<String, String> env)
    {
        final Map<String, Setting<?>> byName = new LinkedHashMap<>();
        for (final Setting<?> s : settings)
        {
            if (byName.put(s.name(), s) != null)
            {
                throw new IllegalArgumentException("setting declared twice: " + s.name());
            }
        }
        for (final String name : flags.keySet())
        {
            if (!byName.containsKey(name))
            {
                throw new ConfigException("unknown flag --" + name + " (see --help)");
            }
        }
        for (final ConfigFile.Entry entry : file.entries().values())
        {
            if (!byName.containsKey(entry.name()))
            {
                throw new ConfigException(file.path() + " line " + entry.line() + ": unknown setting '" + entry.name() +
                    "' (the names are the flags' without --; see --help)");
            }
        }
        final SettingValues v = new SettingValues(new ArrayList<>(byName.values()));
        v.file = file;
        for (final Setting<?> s : byName.values())
        {
            v.resolveOne(s, flags.get(s.name()), file.entries().get(s.name()), env.get(s.env()));
        }
        return v;
    }

    private <T> void resolveOne(final Setting<T> s, final String flag, final ConfigFile.Entry inFile, final String fromEnv)
    {
        final Origin origin = flag != null ? Origin.FLAG : inFile != null ? Origin.FILE :
            fromEnv != null ? Origin.ENVIRONMENT : Origin.DEFAULT;
        final String text = flag != null ? flag : inFile != null ? inFile.value() : fromEnv;
        if (inFile != null)
        {
            fileEntries.put(s, inFile);
        }
        origins.put(s, origin);
        if (text == null)
        {
            values.put(s, s.defaultValue());
            return;
        }
        texts.put(s, text);
        try
        {
            values.put(s, s.parse(text));
        }
        catch (final SettingException ex)
        {
            throw explain(ex);
        }
    }

    /**
     * @param setting a resolved setting.
     * @return its value.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(final Setting<T> setting)
    {
        if (!origins.containsKey(setting))
        {
            throw new IllegalArgumentException("setting not resolved here: " + setting.name());
        }
        return (T)values.get(setting);
    }

    /**
     * @param setting a resolved setting.
     * @return where its value came from.
     */
    public Origin origin(final Setting<?> setting)
    {
        return origins.get(setting);
    }

    /**
     * @param setting a resolved setting.
     * @return how the user wrote it: {@code --ring-size 1000}, {@code STRAND_RING_SIZE=1000}, or
     * {@code ring-size (default 65536)}.
     */
    public String source(final Setting<?> setting)
    {
        final Origin origin = origins.getOrDefault(setting, Origin.DEFAULT);
        return switch (origin)
        {
            case FLAG -> setting.flag() + " " + texts.get(setting).trim();
            case FILE -> file.path() + " line " + fileEntries.get(setting).line() + ": " + setting.name() + " = " +
                texts.get(setting).trim();
            case ENVIRONMENT -> setting.env() + "=" + texts.get(setting).trim();
            case DEFAULT -> setting.flag() + " (default " + setting.defaultText() + ")";
        };
    }

    /**
     * @param ex a refused value, from parsing or from a configuration builder's checks.
     * @return one line naming where the value came from and why it is refused.
     */
    public ConfigException explain(final SettingException ex)
    {
        return new ConfigException(source(ex.setting()) + ": " + ex.reason());
    }

    /**
     * @return the settings, in declaration order.
     */
    public List<Setting<?>> settings()
    {
        return settings;
    }
}
