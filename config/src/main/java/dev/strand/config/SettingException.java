package dev.strand.config;

/**
 * A setting's value is malformed or out of range. Carries the setting, so whoever knows where the value came from
 * (a flag, an environment variable, code) can say so; see {@link SettingValues#explain}.
 */
public final class SettingException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final transient Setting<?> setting;
    private final String reason;

    /**
     * @param setting the setting.
     * @param reason  what is wrong, e.g. {@code must be a power of two, was 1000}.
     */
    public SettingException(final Setting<?> setting, final String reason)
    {
        super(setting.name() + ": " + reason);
        this.setting = setting;
        this.reason = reason;
    }

    /**
     * @return the setting.
     */
    public Setting<?> setting()
    {
        return setting;
    }

    /**
     * @return what is wrong, without the setting's name.
     */
    public String reason()
    {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
