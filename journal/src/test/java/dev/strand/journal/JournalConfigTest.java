package dev.strand.journal;

import dev.strand.config.SettingException;
import dev.strand.config.SettingValues;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalConfigTest
{
    private static final Path DIR = Path.of("data/journal");

    @Test
    void shouldHoldTheDocumentedDefaults()
    {
        final JournalConfig config = JournalConfig.builder(DIR).build();
        assertThat(config.directory()).isEqualTo(DIR);
        assertThat(config.durability()).isEqualTo(Durability.ASYNC);
        assertThat(config.rollCycle()).isEqualTo(JournalRollCycle.FAST_DAILY);
        assertThat(config.preallocate()).isTrue();
        assertThat(config.preallocateAheadBytes()).isEqualTo(64L << 20);
        assertThat(config.verifyOnOpen()).isTrue();
        assertThat(config.minFreeBytes()).isEqualTo(256L << 20);
    }

    @Test
    void shouldNameTheBadSetting()
    {
        assertThatThrownBy(() -> JournalConfig.builder(null).build()).hasMessageContaining("directory");
        assertThatThrownBy(() -> JournalConfig.builder(DIR).durability(null).build())
            .isInstanceOf(SettingException.class).hasMessageContaining("durability");
        assertThatThrownBy(() -> JournalConfig.builder(DIR).rollCycle(null).build())
            .isInstanceOf(SettingException.class).hasMessageContaining("roll-cycle");
        assertThatThrownBy(() -> JournalConfig.builder(DIR).minFreeBytes(-1).build())
            .isInstanceOf(SettingException.class).hasMessageContaining("min-free-bytes");
        assertThatThrownBy(() -> JournalConfig.builder(DIR).preallocateAheadBytes(1 << 20).build())
            .isInstanceOf(SettingException.class).hasMessageContaining("preallocate-ahead-bytes: must be at least 9MiB");
        assertThat(JournalConfig.builder(DIR).preallocate(false).preallocateAheadBytes(0).build().preallocate())
            .isFalse();
    }

    @Test
    void shouldTakeEverySettingFromResolvedValues()
    {
        final SettingValues values = SettingValues.resolve(JournalConfig.SETTINGS,
            Map.of("roll-cycle", "test_secondly", "preallocate", "false"),
            Map.of("STRAND_DURABILITY", "SYNC", "STRAND_MIN_FREE_BYTES", "1GiB", "STRAND_VERIFY_ON_OPEN", "false",
                "STRAND_PREALLOCATE_AHEAD_BYTES", "16MiB"));
        final JournalConfig config = JournalConfig.builder(DIR).apply(values).build();
        assertThat(config.rollCycle()).isEqualTo(JournalRollCycle.TEST_SECONDLY);
        assertThat(config.durability()).isEqualTo(Durability.SYNC);
        assertThat(config.minFreeBytes()).isEqualTo(1L << 30);
        assertThat(config.preallocate()).isFalse();
        assertThat(config.verifyOnOpen()).isFalse();
        assertThat(config.preallocateAheadBytes()).isEqualTo(16L << 20);
    }

    @Test
    void shouldMapEveryRollCycleToChronicle()
    {
        for (final JournalRollCycle cycle : JournalRollCycle.values())
        {
            assertThat(RollCycleNames.nameOf(cycle.chronicle())).isEqualTo(cycle.name());
        }
    }
}
