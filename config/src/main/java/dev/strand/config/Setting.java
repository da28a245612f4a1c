package dev.strand.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting, declared once where it is used: its name, type, default, allowed range and a line of doc. The name
 * gives the flag ({@code --ring-size}) and the environment variable ({@code STRAND_RING_SIZE}); configuration
 * builders take their defaults from here and check values with {@link #check}, so the range is written once too.
 *
 * @param <T> the value type.
 */
public final class Setting<T>
{
    /** Prefix of every environment variable. */
    public static final String ENV_PREFIX = "STRAND_";

    private final String name;
    private final SettingType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final String doc;

    private Setting(final String name, final SettingType<T> type, final T defaultValue, final String defaultText, final String doc)
    {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.doc = Objects.requireNonNull(doc);
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"))
        {
            throw new IllegalArgumentException("setting names are lower-case words joined by '-': " + name);
        }
        if (defaultValue != null)
        {
            type.check(defaultValue);
        }
    }

    /**
     * @param name         lower-case words joined by {@code -}.
     * @param type         how text becomes a value and which values are allowed.
     * @param defaultValue the default, inside the range.
     * @param doc          one line.
     * @return the setting.
     */
    public static <T> Setting<T> of(final String name, final SettingType<T> type, final T defaultValue, final String doc)
    {
        return new Setting<>(name, type, defaultValue, null, doc);
    }

    /**
     * @param text how the default reads when it depends on the machine, e.g. {@code number of cores}.
     * @return a copy whose default is written as {@code text}.
     */
    public Setting<T> withDefaultText(final String text)
    {
        return new Setting<>(name, type, defaultValue, text, doc);
    }

    /**
     * @return the name, e.g. {@code ring-size}.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the flag, e.g. {@code --ring-size}.
     */
    public String flag()
    {
        return "--" + name;
    }

    /**
     * @return the environment variable, e.g. {@code STRAND_RING_SIZE}.
     */
    public String env()
    {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * @return the type.
     */
    public SettingType<T> type()
    {
        return type;
    }

    /**
     * @return the default value (may be null when the default is "none", e.g. no API keys).
     */
    public T defaultValue()
    {
        return defaultValue;
    }

    /**
     * @return the default as a user would write it; empty when there is none.
     */
    public String defaultText()
    {
        if (defaultText != null)
        {
            return defaultText;
        }
        return defaultValue == null ? "" : type.format(defaultValue);
    }

    /**
     * @return the allowed values in a few words.
     */
    public String range()
    {
        return type.describe();
    }

    /**
     * @return the line of doc.
     */
    public String doc()
    {
        return doc;
    }

    /**
     * @param text text from a flag or an environment variable.
     * @return the checked value.
     * @throws SettingException naming this setting and the reason.
     */
    public T parse(final String text)
    {
        final T value;
        try
        {
            value = type.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SettingException(this, ex.getMessage());
        }
        return check(value);
    }

    /**
     * @param value a value set programmatically or parsed.
     * @return the value.
     * @throws SettingException naming this setting when the value is outside the range.
     */
    public T check(final T value)
    {
        try
        {
            type.check(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SettingException(this, ex.getMessage());
        }
        return value;
    }

    /**
     * @param condition a rule across settings that must hold.
     * @param reason    why not, if it does not.
     * @throws SettingException naming this setting.
     */
    public void require(final boolean condition, final String reason)
    {
        if (!condition)
        {
            throw new SettingException(this, reason);
        }
    }

    @Override
    public String toString()
    {
        return name;
    }
}
