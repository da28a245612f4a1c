package dev.strand.examples.orders;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.core.BinaryFieldWriter;
import dev.strand.engine.ledger.Account;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.engine.spi.RecordCodec;
import dev.strand.examples.orders.ItemModule.Item;
import dev.strand.examples.orders.ItemModule.StockAddedV1;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example's modules in a real engine (a Chronicle journal in a temp dir): a {@code StockAdded} journaled at
 * schema version 1 is upcast on read, and a {@code PlaceOrder} that one item cannot serve changes nothing.
 */
class OrderInventoryTest
{
    private static final long T0 = 1_764_547_200_000_000L;

    @TempDir
    Path dir;

    private Engine start()
    {
        final long[] clock = {T0};
        return Engine.start(EngineConfig.builder(dir).minFreeBytes(0).preallocate(false).snapshotOnShutdown(false)
            .modules(List.of(new LedgerModule(), new ItemModule(), new OrderModule()))
            .epochMicrosClock(() -> clock[0] += 1000).build());
    }

    private static CommandResult run(final Engine engine, final String type, final String id, final Object... kv)
        throws Exception
    {
        final Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2)
        {
            data.put((String)kv[i], kv[i + 1]);
        }
        final Command command = engine.newCommand(null, type, id, Command.ANY_VERSION, null, new MapFieldReader(data));
        return engine.submit(command).get(10, TimeUnit.SECONDS);
    }

    private static Map<String, Object> line(final String item, final long quantity, final long unitPrice)
    {
        return Map.of("item", item, "quantity", quantity, "unitPrice", unitPrice);
    }

    @Test
    void shouldUpcastAStockAddedOfSchemaVersion1() throws Exception
    {
        try (Journal journal = Journal.open(JournalConfig.builder(dir.resolve("journal")).preallocate(false)
            .minFreeBytes(0).build()))
        {
            final BinaryFieldWriter v1 = new BinaryFieldWriter();
            RecordCodec.of(StockAddedV1.class).write(new StockAddedV1(5), v1);
            final JournalAppender appender = journal.appender();
            appender.begin();
            appender.add(1, ItemModule.TYPE, "sku-old", 1, "StockAdded", 1, T0, "c-1", null, "c-1", v1.buffer(), 0,
                v1.length());
            appender.commit();
            appender.flush();
        }
        try (Engine engine = start())
        {
            assertThat(run(engine, "AddStock", "sku-old", "quantity", 2L).accepted()).isTrue();
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(((Item)engine.aggregate("sku-old").orElseThrow().state()).onHand()).isEqualTo(7);
            assertThat(engine.readEvents(1, 2, null, 10).events()).extracting(e -> e.schemaVersion() + " " + e.data())
                .containsExactly("2 StockAdded[quantity=5, supplier=unknown]", "2 StockAdded[quantity=2, supplier=unknown]");
        }
    }

    @Test
    void shouldChangeNothingWhenOneItemCannotServeTheOrder() throws Exception
    {
        try (Engine engine = start())
        {
            run(engine, "AddStock", "sku-a", "quantity", 5L, "supplier", "acme");
            run(engine, "AddStock", "sku-b", "quantity", 1L);
            run(engine, "OpenAccount", "acc-1", "owner", "Ada");
            run(engine, "Deposit", "acc-1", "amount", 1_000L);
            final long before = engine.journalPosition();
            final CommandResult refused = run(engine, "PlaceOrder", "ord-1", "account", "acc-1",
                "lines", List.of(line("sku-a", 2, 10), line("sku-b", 2, 10)));
            assertThat(refused.rejection().code()).isEqualTo(OrderModule.OUT_OF_STOCK);
            assertThat(engine.journalPosition()).isEqualTo(before);

            final CommandResult placed = run(engine, "PlaceOrder", "ord-1", "account", "acc-1",
                "lines", List.of(line("sku-a", 2, 10), line("sku-b", 1, 10), line("sku-a", 1, 10)));
            assertThat(placed.accepted()).as(String.valueOf(placed.rejection())).isTrue();
            assertThat(placed.position()).as("one commit of four events: the order, two reservations, the debit").isEqualTo(before + 4);
            engine.awaitReadModel(placed.position(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(((Account)engine.aggregate("acc-1").orElseThrow().state()).balance()).isEqualTo(960);
            assertThat(((Item)engine.aggregate("sku-a").orElseThrow().state()).reserved()).isEqualTo(Map.of("ord-1", 3L));
            assertThat(((Item)engine.aggregate("sku-a").orElseThrow().state()).free()).isEqualTo(2);
        }
    }
}
