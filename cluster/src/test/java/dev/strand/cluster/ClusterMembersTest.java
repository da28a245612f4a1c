package dev.strand.cluster;

import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.journal.Durability;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterMembersTest
{
    @Test
    void shouldDeriveAeronEndpointsFromBasePorts()
    {
        final ClusterMembers members = ClusterMembers.parse("1=10.0.0.2:20100, 0=10.0.0.1:20000,2=h3:20200");
        assertThat(members.size()).isEqualTo(3);
        assertThat(members.aeronClusterMembers()).startsWith(
            "0,10.0.0.1:20002,10.0.0.1:20003,10.0.0.1:20004,10.0.0.1:20005,10.0.0.1:20001|1,10.0.0.2:20102,");
        assertThat(members.ingressEndpoints()).isEqualTo("0=10.0.0.1:20002,1=10.0.0.2:20102,2=h3:20202");
        assertThat(members).hasToString("0=10.0.0.1:20000,1=10.0.0.2:20100,2=h3:20200");
    }

    @Test
    void shouldRefuseMalformedMembers()
    {
        assertThatThrownBy(() -> ClusterMembers.parse("0=a:1,0=b:2")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> ClusterMembers.parse("0=a:1,2=b:2")).hasMessageContaining("0..1");
        assertThatThrownBy(() -> ClusterMembers.parse("0=a")).hasMessageContaining("id=host:basePort");
        assertThatThrownBy(() -> ClusterMembers.parse("0=a:65530")).hasMessageContaining("basePort");
    }

    @Test
    void shouldFollowTheDurabilityForTheFileSyncLevelAndCheckTimeouts()
    {
        final ClusterMembers members = ClusterMembers.parse("0=127.0.0.1:20000,1=127.0.0.1:20100,2=127.0.0.1:20200");
        final EngineConfig async = EngineConfig.builder(Path.of("data")).modules(List.of(new LedgerModule())).build();
        final EngineConfig sync = EngineConfig.builder(Path.of("data")).modules(List.of(new LedgerModule()))
            .durability(Durability.SYNC).build();
        assertThat(ClusterNodeConfig.builder(members, 0, async).build().fileSyncLevel()).isZero();
        assertThat(ClusterNodeConfig.builder(members, 0, sync).build().fileSyncLevel()).isEqualTo(1);
        assertThat(ClusterNodeConfig.builder(members, 0, sync).fileSyncLevel(2).build().fileSyncLevel()).isEqualTo(2);
        assertThatThrownBy(() -> ClusterNodeConfig.builder(members, 0, async)
            .startupCanvassTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1_250)).build())
            .hasMessageContaining("multiple of the heartbeat timeout");
        assertThatThrownBy(() -> ClusterNodeConfig.builder(members, 3, async).build()).hasMessageContaining("member id 3");
        assertThatThrownBy(() -> ClusterNodeConfig.builder(members, 0, async).idleStrategy("spin").build())
            .hasMessageContaining("idle strategy");
    }
}
