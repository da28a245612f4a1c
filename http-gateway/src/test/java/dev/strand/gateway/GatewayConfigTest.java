package dev.strand.gateway;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest
{
    @Test
    void shouldUseTheDocumentedDefaults()
    {
        final GatewayConfig c = GatewayConfig.from(new String[0], Map.of());
        assertThat(c.engineConfig().build().rollCycle()).isEqualTo("FAST_DAILY");
        assertThat(GatewayConfig.of(Map.of("roll-cycle", "TEST_SECONDLY")).engineConfig().build().rollCycle()).isEqualTo("TEST_SECONDLY");
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.dataDir().toString()).isEqualTo("./data");
        assertThat(c.durability()).isEqualTo("async");
        assertThat(c.bodyLimit()).isEqualTo(1024 * 1024);
        assertThat(c.apiKeys().isEmpty()).isTrue();
        assertThat(c.logFormat()).isEqualTo("text");
        assertThat(c.readWaitTimeoutMs()).isEqualTo(5000);
    }

    @Test
    void shouldLetFlagsBeatEnvironmentVariables()
    {
        final GatewayConfig c = GatewayConfig.from(
            new String[] {"--port", "9000", "--durability=sync"}, Map.of("STRAND_PORT", "7000", "STRAND_BODY_LIMIT", "2048"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.durability()).isEqualTo("sync");
        assertThat(c.bodyLimit()).isEqualTo(2048);
    }

    @Test
    void shouldRefuseBadValuesWithTheFlagsName()
    {
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("port", "x"))).isInstanceOf(ConfigException.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("ring-size", "1000"))).hasMessageContaining("power of two");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("durability", "maybe"))).hasMessageContaining("async, sync");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("roll-cycle", "daily; rm"))).hasMessageContaining("--roll-cycle");
        assertThatThrownBy(() -> GatewayConfig.from(new String[] {"--nope", "1"}, Map.of())).hasMessageContaining("unknown flag");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("api-keys", "root:abc"))).hasMessageContaining("--api-keys");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("api-keys", "reader:abc"))).hasMessageContaining("hash-key");
    }

    @Test
    void shouldTreatInsecureAsASwitch()
    {
        assertThat(GatewayConfig.from(new String[] {"--host", "0.0.0.0", "--insecure"}, Map.of()).insecure()).isTrue();
        assertThat(GatewayConfig.isLoopback("localhost")).isTrue();
        assertThat(GatewayConfig.isLoopback("::1")).isTrue();
        assertThat(GatewayConfig.isLoopback("0.0.0.0")).isFalse();
    }

    @Test
    void shouldDescribeEverySetting()
    {
        final String help = GatewayConfig.describe();
        for (final GatewayConfig.Setting s : GatewayConfig.settings())
        {
            assertThat(help).contains("--" + s.name()).contains(s.envName());
        }
    }
}
