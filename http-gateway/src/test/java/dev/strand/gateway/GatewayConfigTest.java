package dev.strand.gateway;

import dev.strand.config.ConfigException;
import dev.strand.config.Setting;
import dev.strand.config.SettingsTable;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.EngineWaitStrategy;
import dev.strand.journal.Durability;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalRollCycle;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest
{
    /** The marker in http-gateway/README.md under which the generated settings table sits. */
    static final String TABLE_MARK = "<!-- settings table: generated from the declarations; GatewayConfigTest fails when it differs -->";

    @Test
    void shouldUseTheDocumentedDefaults()
    {
        final GatewayConfig c = GatewayConfig.from(Map.of(), Map.of());
        final EngineConfig engine = c.engineConfig().build();
        assertThat(engine.rollCycle()).isEqualTo(JournalRollCycle.FAST_DAILY);
        assertThat(engine.waitStrategy()).isEqualTo(EngineWaitStrategy.BLOCKING);
        assertThat(engine.ringSize()).isEqualTo(65536);
        assertThat(engine.minFreeBytes()).isEqualTo(256L << 20);
        assertThat(engine.journal().preallocateAheadBytes()).isEqualTo(64L << 20);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.durability()).isEqualTo(Durability.ASYNC);
        assertThat(c.bodyLimit()).isEqualTo(1024 * 1024);
        assertThat(c.apiKeys().isEmpty()).isTrue();
        assertThat(c.logFormat()).isEqualTo(GatewayConfig.LogFormat.TEXT);
        assertThat(c.readWaitTimeoutMs()).isEqualTo(5000);
    }

    @Test
    void shouldReachEveryEngineAndJournalSettingFromFlagsAndEnvironment()
    {
        final GatewayConfig c = GatewayConfig.from(
            Map.of("roll-cycle", "TEST_SECONDLY", "wait-strategy", "lite-blocking", "preallocate", "false",
                "snapshot-on-shutdown", "false", "live-buffer-events", "1024"),
            Map.of("STRAND_PREALLOCATE_AHEAD_BYTES", "16MiB", "STRAND_VERIFY_ON_OPEN", "false", "STRAND_RING_SIZE", "1024",
                "STRAND_MIN_FREE_BYTES", "1GiB", "STRAND_DURABILITY", "sync"));
        final EngineConfig e = c.engineConfig().build();
        assertThat(e.rollCycle()).isEqualTo(JournalRollCycle.TEST_SECONDLY);
        assertThat(e.waitStrategy()).isEqualTo(EngineWaitStrategy.LITE_BLOCKING);
        assertThat(e.preallocate()).isFalse();
        assertThat(e.snapshotOnShutdown()).isFalse();
        assertThat(e.liveBufferEvents()).isEqualTo(1024);
        assertThat(e.journal().preallocateAheadBytes()).isEqualTo(16L << 20);
        assertThat(e.verifyOnOpen()).isFalse();
        assertThat(e.ringSize()).isEqualTo(1024);
        assertThat(e.minFreeBytes()).isEqualTo(1L << 30);
        assertThat(e.durability()).isEqualTo(Durability.SYNC);

        final Set<Setting<?>> server = new HashSet<>(GatewayConfig.SETTINGS);
        assertThat(server).containsAll(EngineConfig.SETTINGS).containsAll(JournalConfig.SETTINGS);
        assertThat(GatewayConfig.SETTINGS.stream().map(Setting::name).distinct().count()).isEqualTo(GatewayConfig.SETTINGS.size());
    }

    @Test
    void shouldMakeAClusterMemberOnlyFromAConsistentPairOfClusterFlags()
    {
        final String members = "0=127.0.0.1:20000,1=127.0.0.1:20100,2=127.0.0.1:20200";
        assertThat(GatewayConfig.of(Map.of()).clustered()).isFalse();
        final GatewayConfig member = GatewayConfig.from(Map.of("member-id", "2"), Map.of("STRAND_CLUSTER_MEMBERS", members));
        assertThat(member.clustered()).isTrue();
        assertThat(member.clusterMember().basePort()).isEqualTo(20200);
        final dev.strand.cluster.ClusterNodeConfig node = dev.strand.cluster.ClusterSettings.nodeConfig(
            member.values(), member.engineConfig().build());
        assertThat(node.heartbeatTimeoutNs()).isEqualTo(500_000_000L);
        assertThat(node.heartbeatIntervalNs()).isEqualTo(50_000_000L);
        assertThat(node.fileSyncLevel()).as("async durability: the log stays in the page cache").isZero();

        assertThatThrownBy(() -> GatewayConfig.of(Map.of("member-id", "0")))
            .isInstanceOf(ConfigException.class).hasMessage("--member-id needs --cluster-members (without it the server runs alone)");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("cluster-members", members)))
            .isInstanceOf(ConfigException.class).hasMessageContaining("--cluster-members needs --member-id");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("cluster-members", members, "member-id", "3")))
            .isInstanceOf(ConfigException.class).hasMessage("--member-id 3 is not one of --cluster-members (0..2)");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("cluster-members", "0=127.0.0.1:20000,2=127.0.0.1:20100", "member-id", "0")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("--cluster-members").hasMessageContaining("ids must be 0..1");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("cluster-members", members, "member-id", "0",
            "cluster-idle-strategy", "spin")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("--cluster-idle-strategy");
    }

    @Test
    void shouldLetFlagsBeatEnvironmentVariables()
    {
        final GatewayConfig c = GatewayConfig.from(
            Map.of("port", "9000", "durability", "sync"), Map.of("STRAND_PORT", "7000", "STRAND_BODY_LIMIT", "2KiB"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.durability()).isEqualTo(Durability.SYNC);
        assertThat(c.bodyLimit()).isEqualTo(2048);
    }

    @Test
    void shouldRefuseBadValuesNamingTheFlagOrTheVariable()
    {
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("port", "x"))).isInstanceOf(ConfigException.class)
            .hasMessage("--port x: must be an integer, was 'x'");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("ring-size", "1000"))).hasMessage("--ring-size 1000: must be a power of two, was 1000");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of(), Map.of("STRAND_DURABILITY", "maybe")))
            .hasMessage("STRAND_DURABILITY=maybe: must be one of async, sync, was 'maybe'");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("roll-cycle", "daily; rm")))
            .hasMessageStartingWith("--roll-cycle daily; rm: must be one of FIVE_MINUTELY,");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("wait-strategy", "spin"))).hasMessageContaining("blocking, lite-blocking");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("api-keys", "root:abc"))).hasMessageStartingWith("--api-keys root:abc: ");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("api-keys", "reader:abc"))).hasMessageContaining("hash-key");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("preallocate-ahead-bytes", "1MiB")))
            .hasMessage("--preallocate-ahead-bytes 1MiB: must be at least 9MiB (safety margin + one chunk) while the pre-allocator runs, was 1MiB");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("min-free-bytes", "-1"))).hasMessage("--min-free-bytes -1: must be at least 0, was -1");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("nope", "1"))).hasMessageContaining("unknown flag --nope");
    }

    @Test
    void shouldRefuseANonLoopbackHostWithoutKeys()
    {
        assertThat(GatewayConfig.of(Map.of("host", "0.0.0.0", "insecure", "true")).insecure()).isTrue();
        assertThat(GatewayConfig.isLoopback("localhost")).isTrue();
        assertThat(GatewayConfig.isLoopback("::1")).isTrue();
        assertThat(GatewayConfig.isLoopback("0.0.0.0")).isFalse();
    }

    @Test
    void shouldCarryTheGeneratedSettingsTableInTheReadme() throws IOException
    {
        final String expected = SettingsTable.markdown(GatewayConfig.SETTINGS);
        final Path readme = Path.of("README.md");
        final String actual = SettingsTable.extract(Files.readString(readme), TABLE_MARK);
        if (!actual.equals(expected))
        {
            final Path generated = Path.of("target", "settings-table.md");
            Files.createDirectories(generated.getParent());
            Files.writeString(generated, expected);
            assertThat(actual).as("the settings table in %s differs from the declarations; the generated one is in %s: "
                + "paste it under the marker", readme.toAbsolutePath(), generated.toAbsolutePath()).isEqualTo(expected);
        }
    }

    @Test
    void shouldDeclareEverySettingWithADocAndARange()
    {
        final List<Setting<?>> all = GatewayConfig.SETTINGS;
        for (final Setting<?> s : all)
        {
            assertThat(s.doc()).as(s.name()).isNotBlank().doesNotContain("\n");
            assertThat(s.range()).as(s.name()).isNotBlank();
            assertThat(s.env()).startsWith("STRAND_");
        }
    }
}
