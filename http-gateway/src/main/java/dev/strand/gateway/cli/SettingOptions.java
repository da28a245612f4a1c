package dev.strand.gateway.cli;

import dev.strand.config.Setting;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns setting declarations into picocli options (so flags, help and the README table come from one declaration) and
 * reads back the flags a user gave. Values are kept as text: {@link dev.strand.config.SettingValues} parses and
 * checks them once, together with the environment, so every refusal names its source the same way.
 */
final class SettingOptions
{
    private SettingOptions()
    {
    }

    /** picocli formats descriptions with {@code String.format}: a {@code %} in a setting's text must be doubled. */
    static String literal(final String text)
    {
        return text.replace("%", "%%");
    }

    static void addTo(final CommandSpec spec, final List<Setting<?>> settings)
    {
        for (final Setting<?> s : settings)
        {
            final String defaultText = s.defaultText().isEmpty() ? "none" : s.defaultText();
            final OptionSpec.Builder option = OptionSpec.builder(s.flag())
                .type(String.class)
                .description(literal(s.doc()), literal("  " + s.env() + "; default " + defaultText + "; " + s.range()));
            if (s.type().isSwitch())
            {
                option.arity("0..1").fallbackValue("true").paramLabel("<true|false>");
            }
            else
            {
                option.arity("1").paramLabel("<" + s.type().label() + ">");
            }
            spec.addOption(option.build());
        }
    }

    /** The configuration file option: {@code --config FILE} ({@code STRAND_CONFIG}); not a setting itself. */
    static final String CONFIG = "--config";

    static void addConfigFileOption(final CommandSpec spec)
    {
        spec.addOption(OptionSpec.builder(CONFIG)
            .type(String.class)
            .arity("1")
            .paramLabel("<file>")
            .description("a file of settings, one a line as name = value with the flags' names (ring-size = 65536); " +
                "# starts a comment. Flags beat the file, the file beats the environment.", "  STRAND_CONFIG; default none")
            .build());
    }

    /** The configuration file given with {@code --config} or {@code STRAND_CONFIG}, read; or none. */
    static dev.strand.config.ConfigFile configFile(final ParseResult parsed, final Map<String, String> env)
    {
        final String path = parsed.hasMatchedOption(CONFIG) ? parsed.matchedOptionValue(CONFIG, "") : env.get("STRAND_CONFIG");
        return path == null ? dev.strand.config.ConfigFile.NONE : dev.strand.config.ConfigFile.read(java.nio.file.Path.of(path));
    }

    /** The server's configuration from the parsed flags, the configuration file and the environment. */
    static dev.strand.gateway.GatewayConfig serverConfig(final ParseResult parsed, final Map<String, String> env)
    {
        return dev.strand.gateway.GatewayConfig.from(given(parsed, dev.strand.gateway.GatewayConfig.SETTINGS),
            configFile(parsed, env), env);
    }

    static Map<String, String> given(final ParseResult parsed, final List<Setting<?>> settings)
    {
        final Map<String, String> flags = new LinkedHashMap<>();
        for (final Setting<?> s : settings)
        {
            if (parsed.hasMatchedOption(s.flag()))
            {
                flags.put(s.name(), parsed.matchedOptionValue(s.flag(), ""));
            }
        }
        return flags;
    }
}
