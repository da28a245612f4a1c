package dev.strand.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingValuesTest
{
    enum Colour
    {
        DARK_RED,
        BLUE
    }

    private static final Setting<Integer> SLOTS = Setting.of("slots", SettingType.powerOfTwo(2, 1 << 20), 64, "slots");
    private static final Setting<Long> FLOOR = Setting.of("floor", SettingType.size(0, Long.MAX_VALUE), 256L << 20, "floor");
    private static final Setting<Colour> COLOUR = Setting.of("colour", SettingType.lowerCase(Colour.class), Colour.BLUE, "colour");
    private static final Setting<Boolean> LOUD = Setting.of("loud", SettingType.bool(), false, "loud");
    private static final List<Setting<?>> ALL = List.of(SLOTS, FLOOR, COLOUR, LOUD);

    @Test
    void shouldPreferFlagsThenEnvironmentThenDefaults()
    {
        final SettingValues v = SettingValues.resolve(ALL, Map.of("slots", "128"),
            Map.of("STRAND_SLOTS", "256", "STRAND_FLOOR", "1GiB"));
        assertThat(v.get(SLOTS)).isEqualTo(128);
        assertThat(v.origin(SLOTS)).isEqualTo(SettingValues.Origin.FLAG);
        assertThat(v.get(FLOOR)).isEqualTo(1L << 30);
        assertThat(v.origin(FLOOR)).isEqualTo(SettingValues.Origin.ENVIRONMENT);
        assertThat(v.get(COLOUR)).isEqualTo(Colour.BLUE);
        assertThat(v.origin(COLOUR)).isEqualTo(SettingValues.Origin.DEFAULT);
    }

    @Test
    void shouldPreferFlagsThenTheConfigFileThenEnvironmentAndNameTheFileLineOfABadValue() throws java.io.IOException
    {
        final java.nio.file.Path file = java.nio.file.Files.createTempFile("strand", ".conf");
        try
        {
            java.nio.file.Files.writeString(file, "# settings\n\nslots = 512\n  floor=2GiB  \n");
            final ConfigFile config = ConfigFile.read(file);
            final SettingValues v = SettingValues.resolve(ALL, Map.of("slots", "128"), config,
                Map.of("STRAND_SLOTS", "256", "STRAND_FLOOR", "1GiB"));
            assertThat(v.get(SLOTS)).as("the flag beats the file").isEqualTo(128);
            assertThat(v.get(FLOOR)).as("the file beats the environment").isEqualTo(2L << 30);
            assertThat(v.origin(FLOOR)).isEqualTo(SettingValues.Origin.FILE);

            java.nio.file.Files.writeString(file, "slots = 512\nslots = 1000\n");
            assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + " line 2: slots is already set on line 1");
            java.nio.file.Files.writeString(file, "slots 512\n");
            assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + " line 1: expected name = value, was 'slots 512'");
            java.nio.file.Files.writeString(file, "\nslots = 1000\n");
            assertThatThrownBy(() -> SettingValues.resolve(ALL, Map.of(), ConfigFile.read(file), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage(file + " line 2: slots = 1000: must be a power of two, was 1000");
            java.nio.file.Files.writeString(file, "slotz = 64\n");
            assertThatThrownBy(() -> SettingValues.resolve(ALL, Map.of(), ConfigFile.read(file), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(file + " line 1: unknown setting 'slotz'");
            assertThatThrownBy(() -> ConfigFile.read(file.resolveSibling("no-such.conf"))).isInstanceOf(ConfigException.class)
                .hasMessage("--config " + file.resolveSibling("no-such.conf") + ": no such file");
        }
        finally
        {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void shouldNameTheFlagOrTheVariableABadValueCameFrom()
    {
        assertThatThrownBy(() -> SettingValues.resolve(ALL, Map.of("slots", "1000"), Map.of()))
            .isInstanceOf(ConfigException.class).hasMessage("--slots 1000: must be a power of two, was 1000");
        assertThatThrownBy(() -> SettingValues.resolve(ALL, Map.of(), Map.of("STRAND_SLOTS", "x")))
            .hasMessage("STRAND_SLOTS=x: must be an integer, was 'x'");
        assertThatThrownBy(() -> SettingValues.resolve(ALL, Map.of("colour", "green"), Map.of()))
            .hasMessage("--colour green: must be one of dark-red, blue, was 'green'");
        assertThatThrownBy(() -> SettingValues.resolve(ALL, Map.of("slots", "99999999999"), Map.of()))
            .hasMessage("--slots 99999999999: too large: 99999999999 (allowed: 2..1048576)");
        assertThatThrownBy(() -> SettingValues.resolve(ALL, Map.of("nope", "1"), Map.of())).hasMessageContaining("unknown flag --nope");
    }

    @Test
    void shouldExplainARuleBrokenAcrossSettingsWithTheSource()
    {
        final SettingValues v = SettingValues.resolve(ALL, Map.of(), Map.of("STRAND_FLOOR", "1k"));
        final SettingException broken = new SettingException(FLOOR, "must be at least the ring size");
        assertThat(v.explain(broken).getMessage()).isEqualTo("STRAND_FLOOR=1k: must be at least the ring size");
        assertThat(v.explain(new SettingException(SLOTS, "too small")).getMessage()).isEqualTo("--slots (default 64): too small");
    }

    @Test
    void shouldParseEnumsIgnoringCaseAndDashes()
    {
        assertThat(COLOUR.parse("dark-red")).isEqualTo(Colour.DARK_RED);
        assertThat(COLOUR.parse("DARK_RED")).isEqualTo(Colour.DARK_RED);
        assertThat(COLOUR.defaultText()).isEqualTo("blue");
        assertThat(FLOOR.defaultText()).isEqualTo("256MiB");
        assertThat(LOUD.type().isSwitch()).isTrue();
    }

    @Test
    void shouldRenderAMarkdownTableAndFindItInADocument()
    {
        final String table = SettingsTable.markdown(List.of(SLOTS, COLOUR));
        assertThat(table).contains("| `--slots` | `STRAND_SLOTS` | `64` | power of two, 2..1048576 | slots |");
        final String doc = "# x\n\n<!-- settings -->\n\n" + table + "\nafter\n";
        assertThat(SettingsTable.extract(doc, "<!-- settings -->")).isEqualTo(table);
    }
}
