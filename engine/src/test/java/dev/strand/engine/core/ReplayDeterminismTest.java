package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.InvalidCommandException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.strand.engine.EngineFixture.data;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random command sequences (valid, rejected and atomic batches, over the ledger and the inventory domain): the live
 * state hash equals the hash after a full replay of the journal, equals the hash after snapshot + tail replay, and
 * the read model's replica hashes the same.
 */
class ReplayDeterminismTest
{
    record Step(String type, String id, Map<String, Object> data, boolean batchWithNext)
    {
    }

    @Provide
    Arbitrary<List<Step>> steps()
    {
        final Arbitrary<String> accounts = Arbitraries.of("a", "b", "c", "d");
        final Arbitrary<Long> amounts = Arbitraries.longs().between(1, 500);
        final Arbitrary<Step> step = Arbitraries.oneOf(
            Combinators.combine(accounts, Arbitraries.of("EUR", "USD"), Arbitraries.longs().between(0, 300), Arbitraries.of(true, false))
                .as((id, cur, limit, batch) -> new Step("OpenAccount", id, data("currency", cur, "overdraftLimit", limit), batch)),
            Combinators.combine(accounts, amounts, Arbitraries.of(true, false))
                .as((id, amount, batch) -> new Step("Deposit", id, data("amount", amount), batch)),
            Combinators.combine(accounts, amounts, Arbitraries.of(true, false))
                .as((id, amount, batch) -> new Step("Withdraw", id, data("amount", amount), batch)),
            Combinators.combine(accounts, accounts, amounts, Arbitraries.of(true, false))
                .as((id, to, amount, batch) -> new Step("Transfer", id, data("to", to, "amount", amount), batch)),
            Combinators.combine(accounts, Arbitraries.of(true, false))
                .as((id, batch) -> new Step("CloseAccount", id, data(), batch)),
            Combinators.combine(Arbitraries.of("i1", "i2"), Arbitraries.of(true, false))
                .as((id, batch) -> new Step("RegisterItem", id, data("name", "thing " + id), batch)),
            Combinators.combine(Arbitraries.of("i1", "i2"), Arbitraries.longs().between(1, 20))
                .as((id, q) -> new Step("Restock", id, data("quantity", q), false)),
            Combinators.combine(Arbitraries.of("i1", "i2"), Arbitraries.longs().between(1, 20))
                .as((id, q) -> new Step("Reserve", id, data("orderId", "o-" + q, "quantity", q), false)));
        return step.list().ofMinSize(5).ofMaxSize(80);
    }

    @Property(tries = 12)
    void liveReplayAndSnapshotHashesAgree(
        @ForAll("steps") final List<Step> steps, @ForAll @IntRange(min = 0, max = 100) final int snapshotAtPercent) throws Exception
    {
        final Path dir = Files.createTempDirectory("strand-prop");
        try
        {
            final long live;
            final int snapshotAt = steps.size() * snapshotAtPercent / 100;
            try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
            {
                for (int i = 0; i < steps.size(); i++)
                {
                    if (i == snapshotAt)
                    {
                        engine.takeSnapshot().get(30, TimeUnit.SECONDS);
                    }
                    final Step s = steps.get(i);
                    final List<Command> unit = new ArrayList<>();
                    addIfValid(engine, unit, s);
                    while (s.batchWithNext() && i + 1 < steps.size() && steps.get(i + 1).batchWithNext() && unit.size() < 4)
                    {
                        addIfValid(engine, unit, steps.get(++i));
                    }
                    if (unit.size() == 1)
                    {
                        EngineFixture.run(engine, unit.get(0));
                    }
                    else if (!unit.isEmpty())
                    {
                        EngineFixture.runBatch(engine, unit, true);
                    }
                }
                live = engine.stateHash().get(10, TimeUnit.SECONDS);
                engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
                assertThat(((StrandEngine)engine).readModelAggregatesHash()).as("read model replica")
                    .isEqualTo(((StrandEngine)engine).aggregatesHash().get(10, TimeUnit.SECONDS));
            }
            try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
            {
                assertThat(engine.stateHash().get(10, TimeUnit.SECONDS)).as("snapshot + tail replay").isEqualTo(live);
            }
            deleteRecursively(dir.resolve("snapshots"));
            try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
            {
                assertThat(engine.stateHash().get(10, TimeUnit.SECONDS)).as("full replay").isEqualTo(live);
            }
        }
        finally
        {
            deleteRecursively(dir);
        }
    }

    private static void addIfValid(final Engine engine, final List<Command> unit, final Step s)
    {
        try
        {
            unit.add(EngineFixture.command(engine, s.type(), s.id(), s.data()));
        }
        catch (final InvalidCommandException ignored)
        {
            // invalid at ingress: never reaches the engine, nothing to compare
        }
    }

    private static void deleteRecursively(final Path path) throws Exception
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(path))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }
}
