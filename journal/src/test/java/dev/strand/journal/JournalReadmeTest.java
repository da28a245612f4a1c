package dev.strand.journal;

import dev.strand.config.SettingsTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JournalReadmeTest
{
    static final String TABLE_MARK = "<!-- settings table: generated from JournalConfig.SETTINGS; JournalReadmeTest fails when it differs -->";

    @Test
    void shouldCarryTheGeneratedSettingsTable() throws IOException
    {
        final String expected = SettingsTable.markdown(JournalConfig.SETTINGS);
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
