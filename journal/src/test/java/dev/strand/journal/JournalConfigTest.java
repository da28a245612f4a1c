package dev.strand.journal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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
        assertThat(config.rollCycle()).isEqualTo("FAST_DAILY");
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
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("durability");
        assertThatThrownBy(() -> JournalConfig.builder(DIR).rollCycle("HOURLYISH").build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rollCycle 'HOURLYISH'");
        assertThatThrownBy(() -> JournalConfig.builder(DIR).minFreeBytes(-1).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minFreeBytes");
        assertThatThrownBy(() -> JournalConfig.builder(DIR).preallocateAheadBytes(1 << 20).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("preallocateAheadBytes");
        assertThat(JournalConfig.builder(DIR).preallocate(false).preallocateAheadBytes(0).build().preallocate())
            .isFalse();
    }

    @Test
    void shouldResolveRollCyclesFromEveryChronicleFamily()
    {
        assertThat(JournalConfig.builder(DIR).rollCycle("TEST_SECONDLY").build().rollCycle()).isEqualTo("TEST_SECONDLY");
        assertThat(RollCycleNames.resolve("FAST_HOURLY")).isNotNull();
        assertThat(RollCycleNames.resolve("LARGE_DAILY")).isNotNull();
        assertThat(RollCycleNames.resolve("nope")).isNull();
    }
}
