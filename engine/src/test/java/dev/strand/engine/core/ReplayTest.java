package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.Replay;
import dev.strand.engine.ledger.Account;
import dev.strand.engine.ledger.LedgerEvents;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.Evolver;
import dev.strand.engine.testdomain.EvolveChangedModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.strand.engine.EngineFixture.command;
import static dev.strand.engine.EngineFixture.data;
import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replay through module code in memory: the current code rebuilds the server's state hash; a changed {@code evolve}
 * names exactly the aggregates it changes; {@code --to} stops early; nothing is written.
 */
class ReplayTest
{
    @TempDir
    Path dir;

    /** The ledger as a release that also credits a bonus of 1 on deposits of 1,000 or more would be. */
    private static List<AggregateModule<?>> withBonus()
    {
        final Evolver<Account, LedgerEvents.Deposited> bonus = (s, e) ->
            new Account(s.owner(), s.currency(), e.balance() + (e.amount() >= 1000 ? 1 : 0), s.overdraftLimit(), s.status());
        final List<AggregateModule<?>> modules = new ArrayList<>();
        for (final AggregateModule<?> m : EngineConfig.discoverModules())
        {
            modules.add(m.aggregateType().equals(LedgerModule.TYPE) ?
                new EvolveChangedModule<>(new LedgerModule(), "Deposited", bonus) : m);
        }
        return modules;
    }

    @Test
    void shouldRebuildTheStateHashAndNameTheAggregatesAChangedEvolveChanges() throws Exception
    {
        final long hash;
        final long before;
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
        {
            for (int i = 0; i < 6; i++)
            {
                run(engine, "OpenAccount", "acc-" + i);
                run(engine, command(engine, "Deposit", "acc-" + i, data("amount", 10L + i)));
            }
            before = engine.journalPosition();
            run(engine, command(engine, "big-1", "Deposit", "acc-4", Command.ANY_VERSION, data("amount", 5000L)));
            run(engine, command(engine, "big-2", "Deposit", "acc-1", Command.ANY_VERSION, data("amount", 1000L)));
            run(engine, command(engine, "small", "Deposit", "acc-2", Command.ANY_VERSION, data("amount", 999L)));
            hash = engine.stateHash().get(10, TimeUnit.SECONDS);
        }
        final Path archive = dir.resolve("archive");
        final Replay.Result current = Replay.run(dir, archive, EngineConfig.discoverModules(), Long.MAX_VALUE,
            EngineConfig.IDEMPOTENCY_WINDOW.defaultValue());
        assertThat(current.position()).isEqualTo(before + 3);
        assertThat(current.events()).isEqualTo(before + 3);
        assertThat(current.aggregates()).isEqualTo(6);
        assertThat(current.stateHash()).as("the server's state hash").isEqualTo(String.format("%016x", hash));
        assertThat(current.eventsPerSecond()).isPositive();
        assertThat(current.snapshotPosition()).isZero();

        final Replay.Comparison comparison = Replay.compare(dir, archive, EngineConfig.discoverModules(), withBonus(),
            Long.MAX_VALUE, 1000, 100);
        assertThat(comparison.differences().compared()).isEqualTo(6);
        assertThat(comparison.differences().differing()).isEqualTo(2);
        assertThat(comparison.differences().listed()).extracting(Replay.Difference::aggregateId)
            .containsExactly("acc-1", "acc-4");
        assertThat(comparison.differences().listed().get(1).current()).contains("balance=5014");
        assertThat(comparison.differences().listed().get(1).replayed()).contains("balance=5015");
        assertThat(comparison.replayed().stateHash()).isNotEqualTo(comparison.current().stateHash());

        final Replay.Comparison early = Replay.compare(dir, archive, EngineConfig.discoverModules(), withBonus(), before,
            1000, 100);
        assertThat(early.current().position()).isEqualTo(before);
        assertThat(early.differences().differing()).as("before the big deposits nothing differs").isZero();

        assertThatThrownBy(() -> Replay.run(dir, archive, EngineConfig.discoverModules(), before + 10, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the journal's end");
        assertThat(archive).as("a replay writes nothing").doesNotExist();
    }
}
