package dev.strand.engine.api;

import dev.strand.config.SettingException;
import dev.strand.config.SettingsTable;
import dev.strand.journal.JournalConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConfigTest
{
    static final String TABLE_MARK = "<!-- settings table: generated from EngineConfig.SETTINGS; EngineConfigTest fails when it differs -->";

    @Test
    void shouldEmbedTheJournalsSettingsAndCheckRangesOnBuild()
    {
        assertThat(EngineConfig.SETTINGS).containsAll(JournalConfig.SETTINGS);
        final EngineConfig c = EngineConfig.builder(Path.of("data")).modules(List.of(new dev.strand.engine.ledger.LedgerModule())).build();
        assertThat(c.journalDir()).isEqualTo(Path.of("data", "journal"));
        assertThat(c.journal().directory()).isEqualTo(c.journalDir());
        assertThat(c.waitStrategy()).isEqualTo(EngineWaitStrategy.BLOCKING);
        assertThatThrownBy(() -> EngineConfig.builder(Path.of("data")).ringSize(1000).build())
            .isInstanceOf(SettingException.class).hasMessage("ring-size: must be a power of two, was 1000");
        assertThatThrownBy(() -> EngineConfig.builder(Path.of("data")).snapshotsKept(0).build())
            .isInstanceOf(SettingException.class).hasMessage("snapshots-kept: must be within 1..1000, was 0");
        assertThatThrownBy(() -> EngineConfig.builder(Path.of("data")).minFreeBytes(-1).build())
            .isInstanceOf(SettingException.class).hasMessageStartingWith("min-free-bytes: must be at least 0");
    }

    @Test
    void shouldCarryTheGeneratedSettingsTableInTheReadme() throws IOException
    {
        final String expected = SettingsTable.markdown(EngineConfig.SETTINGS);
        final Path readme = Path.of("README.md");
        final String actual = SettingsTable.extract(Files.readString(readme), TABLE_MARK);
        if (!actual.equals(expected))
        {
            final Path generated = Path.of("target", "settings-table.md");
            Files.createDirectories(generated.getParent());
            Files.writeString(generated, expected);
            assertThat(actual).as("the settings table in %s differs from the declarations; the generated one is in %s",
                readme.toAbsolutePath(), generated.toAbsolutePath()).isEqualTo(expected);
        }
    }
}
