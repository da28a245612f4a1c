package dev.strand.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitsTest
{
    @Test
    void shouldParseSizesWithBinaryUnits()
    {
        assertThat(Units.parseSize("4096")).isEqualTo(4096);
        assertThat(Units.parseSize("1_048_576")).isEqualTo(1 << 20);
        assertThat(Units.parseSize("64MiB")).isEqualTo(64L << 20);
        assertThat(Units.parseSize("64m")).isEqualTo(64L << 20);
        assertThat(Units.parseSize("512k")).isEqualTo(512L << 10);
        assertThat(Units.parseSize("1.5GiB")).isEqualTo(3L << 29);
        assertThat(Units.parseSize(" 2 tib ")).isEqualTo(2L << 40);
    }

    @Test
    void shouldRefuseSizesThatAreNotWholeBytesOrAmbiguous()
    {
        assertThatThrownBy(() -> Units.parseSize("64MB")).hasMessageContaining("MiB");
        assertThatThrownBy(() -> Units.parseSize("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.parseSize("1.5")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Units.parseSize("")).hasMessageContaining("no value");
        assertThatThrownBy(() -> Units.parseSize("99999999TiB")).hasMessageContaining("2^63");
    }

    @Test
    void shouldWriteSizesInTheirShortestExactForm()
    {
        assertThat(Units.formatSize(256L << 20)).isEqualTo("256MiB");
        assertThat(Units.formatSize(1000)).isEqualTo("1000");
        assertThat(Units.formatSize(0)).isEqualTo("0");
        assertThat(Units.formatSize(3L << 29)).isEqualTo("1536MiB");
        for (final long v : new long[] {1, 1023, 1024, 65536, 1L << 40, 5L << 50})
        {
            assertThat(Units.parseSize(Units.formatSize(v))).isEqualTo(v);
        }
    }

    @Test
    void shouldParseDurations()
    {
        assertThat(Units.parseDuration("30s", "s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("30", "s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("30", "ms")).isEqualTo(Duration.ofMillis(30));
        assertThat(Units.parseDuration("2m", "s")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("500us", "s")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(Units.parseDuration("1.5s", "s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.parseDuration("1h", "s")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.parseDuration("30d", "s")).isEqualTo(Duration.ofDays(30));
        assertThat(Units.formatDuration(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Units.formatDuration(Duration.ofHours(36))).isEqualTo("36h");
        assertThatThrownBy(() -> Units.parseDuration("10 parsecs", "s")).hasMessageContaining("not a duration");
        assertThat(Units.formatDuration(Duration.ofSeconds(300))).isEqualTo("5m");
        assertThat(Units.formatDuration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Units.formatDuration(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void shouldParseCounts()
    {
        assertThat(Units.parseCount("50k")).isEqualTo(50_000);
        assertThat(Units.parseCount("1.5m")).isEqualTo(1_500_000);
        assertThat(Units.parseCount("100_000")).isEqualTo(100_000);
        assertThat(Units.parseCount("2.5")).isEqualTo(2.5);
        assertThatThrownBy(() -> Units.parseCount("ten")).hasMessageContaining("not a number");
    }
}
