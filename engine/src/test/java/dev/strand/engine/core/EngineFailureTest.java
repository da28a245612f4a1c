package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineMetrics;
import dev.strand.engine.api.EngineStatus;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

class EngineFailureTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRejectACommandWhoseHandlerThrowsAndGoOn()
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
            final CommandResult failed = run(engine, "Explode", "x");
            assertThat(failed.accepted()).isFalse();
            assertThat(failed.rejection().code()).isEqualTo(ResultCodes.COMMAND_HANDLER_FAILED);
            assertThat(failed.rejection().kind()).isEqualTo(RejectionKind.INTERNAL);
            assertThat(engine.journalPosition()).isEqualTo(1);

            assertThat(run(engine, "Deposit", "a", "amount", 5L).accepted()).isTrue();
            assertThat(engine.status().ready()).isTrue();
            assertThat(engine.metrics().commandsFailed()).isEqualTo(1);
        }
    }

    @Test
    void shouldRejectACommandWhoseEventCannotBeEncodedAndGoOn()
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
            final CommandResult failed = run(engine, "Garble", "x");
            assertThat(failed.accepted()).isFalse();
            assertThat(failed.rejection().code()).isEqualTo(ResultCodes.COMMAND_HANDLER_FAILED);
            assertThat(engine.journalPosition()).isEqualTo(1);

            final BatchResult atomic = EngineFixture.runBatch(engine, List.of(
                EngineFixture.command(engine, "Deposit", "a", EngineFixture.data("amount", 1L)),
                EngineFixture.command(engine, "Garble", "x", EngineFixture.data())), true);
            assertThat(atomic.failedIndex()).isEqualTo(1);
            assertThat(atomic.results().get(1).rejection().code()).isEqualTo(ResultCodes.COMMAND_HANDLER_FAILED);
            assertThat(atomic.results().get(0).rejection().code()).isEqualTo(ResultCodes.ABORTED);
            assertThat(engine.journalPosition()).isEqualTo(1);

            assertThat(run(engine, "Deposit", "a", "amount", 5L).position()).isEqualTo(2);
            assertThat(engine.status().ready()).isTrue();
            assertThat(engine.metrics().commandsFailed()).isEqualTo(2);
        }
    }

    @Test
    void shouldHaltWhenAReplicaCannotApplyWhatTheWriterJournaled() throws InterruptedException
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
            assertThat(run(engine, "Drift", "d").accepted()).as("the writer's evolve passes").isTrue();
            Awaitility.await("the read model to halt the engine").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10)).until(() -> engine.status().state() == EngineStatus.State.HALTED);
            assertThat(engine.status().haltReason()).contains("read-model");
            assertThat(engine.status().ready()).isFalse();
            assertThat(run(engine, "Deposit", "a", "amount", 1L).rejection().code()).isEqualTo(ResultCodes.HALTED);
            assertThat(engine.journalPosition()).isEqualTo(2);
        }
    }

    @Test
    void shouldHaltWhenFreeSpaceIsBelowTheFloorAndKeepWhatWasAcknowledged()
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
        }
        try (Engine engine = EngineFixture.start(dir, b -> b.minFreeBytes(Long.MAX_VALUE / 4)))
        {
            final CommandResult refused = run(engine, "Deposit", "a", "amount", 5L);
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.rejection().code()).isEqualTo(ResultCodes.HALTED);
            assertThat(refused.rejection().kind()).isEqualTo(RejectionKind.UNAVAILABLE);
            assertThat(engine.status().state()).isEqualTo(EngineStatus.State.HALTED);
            assertThat(engine.status().haltReason()).containsIgnoringCase("free");
            assertThat(engine.status().ready()).isFalse();
            assertThat(run(engine, "Deposit", "a", "amount", 6L).rejection().code()).isEqualTo(ResultCodes.HALTED);
            assertThat(engine.journalPosition()).isEqualTo(1);
        }
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.journalPosition()).isEqualTo(1);
            assertThat(run(engine, "Deposit", "a", "amount", 7L).position()).isEqualTo(2);
        }
    }

    @Test
    void shouldCountOutcomesAndExposeEngineFigures() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
            run(engine, "Deposit", "a", "amount", 5L);
            run(engine, "Withdraw", "a", "amount", 50L);
            run(engine, EngineFixture.command(engine, "same", "Deposit", "a", dev.strand.engine.api.Command.ANY_VERSION, EngineFixture.data("amount", 1L)));
            run(engine, EngineFixture.command(engine, "same", "Deposit", "a", dev.strand.engine.api.Command.ANY_VERSION, EngineFixture.data("amount", 1L)));
            engine.takeSnapshot().get();
            final EngineMetrics m = engine.metrics();
            assertThat(m.commandsAccepted()).isEqualTo(3);
            assertThat(m.commandsRejected()).isEqualTo(1);
            assertThat(m.commandsReplayed()).isEqualTo(1);
            assertThat(m.appendLatency().getTotalCount()).isEqualTo(3);
            assertThat(m.ringSize()).isEqualTo((long)dev.strand.engine.api.EngineConfig.RING_SIZE.defaultValue());
            assertThat(m.ringRemainingCapacity()).isEqualTo(m.ringSize());
            assertThat(m.journalPosition()).isEqualTo(3);
            assertThat(m.journalBytes()).isPositive();
            assertThat(m.journalFreeBytes()).isPositive();
            assertThat(m.snapshotsTaken()).isEqualTo(1);
            assertThat(m.lastSnapshotPosition()).isEqualTo(3);
            assertThat(m.lastSnapshotEpochMillis()).isPositive();
        }
    }
}
