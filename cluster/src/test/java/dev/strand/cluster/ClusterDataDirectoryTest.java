package dev.strand.cluster;

import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.journal.Journal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A member refuses, at start and before Aeron starts, a data directory whose journal holds events and no cluster log
 * beside it (a single node's, or one restored from a backup): replaying a new cluster's log over it would put the
 * first command on position 1 again and stop the service on the first write.
 */
@Timeout(120)
class ClusterDataDirectoryTest
{
    @TempDir
    Path root;

    @Test
    void shouldRefuseAJournalWithEventsButNoClusterLog()
    {
        final Path data = root.resolve("node0");
        final EngineConfig engine = EngineConfig.builder(data).modules(List.of(new LedgerModule()))
            .idempotencyWindow(1_000).preallocate(false).minFreeBytes(0).build();
        try (Journal journal = Journal.open(engine.journal()))
        {
            final ReconcilingAppender appender = new ReconcilingAppender(journal);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            appender.begin();
            appender.add(1, "account", "acc-1", 1, "Opened", 1, 1_000, "c-1", null, "c-1", 7, payload, 0, 8);
            appender.commit();
            appender.close();
        }
        final ClusterMembers members = ClusterMembers.parse("0=127.0.0.1:" + ThreeNodeCluster.freeBase() +
            ",1=127.0.0.1:" + ThreeNodeCluster.freeBase() + ",2=127.0.0.1:" + ThreeNodeCluster.freeBase());

        assertThatThrownBy(() -> ClusterNode.launch(ClusterNodeConfig.builder(members, 0, engine).build()))
            .isInstanceOf(ClusterDataDirectoryException.class)
            .hasMessageContaining("holds 1 positions but there is no cluster log beside it")
            .hasMessageContaining("--cluster-seed");
        assertThat(Files.exists(data.resolve("cluster").resolve("aeron"))).as("Aeron was not started").isFalse();
        try (Journal journal = Journal.open(engine.journal()))
        {
            assertThat(journal.lastPosition()).as("the journal is untouched and its lock released").isEqualTo(1);
        }
    }
}
