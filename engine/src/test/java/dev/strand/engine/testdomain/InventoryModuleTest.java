package dev.strand.engine.testdomain;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.core.BinaryFieldWriter;
import dev.strand.engine.spi.RecordCodec;
import dev.strand.engine.testdomain.InventoryModule.Item;
import dev.strand.engine.testdomain.InventoryModule.ItemRegistered;
import dev.strand.engine.testdomain.InventoryModule.ItemRegisteredV1;
import dev.strand.engine.testdomain.InventoryModule.ItemRegisteredV2;
import dev.strand.engine.testdomain.InventoryModule.Reservation;
import dev.strand.engine.testdomain.InventoryModule.Unit;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPI is not ledger-shaped: a second domain with its own rules, a map of lists of reservations in its state, and
 * an event upcast through a chain of schema versions (v1 to v2 to v3).
 */
class InventoryModuleTest
{
    private static final long T0 = 1_764_547_200_000_000L;

    @TempDir
    Path dir;

    @Test
    void shouldRunASecondDomainWithItsOwnRules() throws Exception
    {
        final long[] clock = {T0};
        try (Engine engine = EngineFixture.start(dir, b -> b.epochMicrosClock(() -> clock[0] += 1_000_000)))
        {
            assertThat(run(engine, "RegisterItem", "sku-1", "name", "bolt", "category", "hardware", "unit", "PIECE")
                .accepted()).isTrue();
            run(engine, "Restock", "sku-1", "quantity", 5L);
            assertThat(run(engine, "Reserve", "sku-1", "orderId", "o-1", "quantity", 2L).accepted()).isTrue();
            assertThat(run(engine, "Reserve", "sku-1", "orderId", "o-1", "quantity", 1L).accepted()).isTrue();
            final CommandResult tooMuch = run(engine, "Reserve", "sku-1", "orderId", "o-2", "quantity", 3L);
            assertThat(tooMuch.rejection().code()).isEqualTo(InventoryModule.OUT_OF_STOCK);
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            final Item item = (Item)engine.aggregate("sku-1").orElseThrow().state();
            assertThat(item).isEqualTo(new Item("bolt", "hardware", Unit.PIECE, 5, Map.of("o-1", List.of(
                new Reservation(2, Instant.ofEpochSecond(1_764_547_203)),
                new Reservation(1, Instant.ofEpochSecond(1_764_547_204))))));
            assertThat(item.free()).isEqualTo(2);
            assertThat(engine.aggregate("sku-1").orElseThrow().aggregateType()).isEqualTo("item");

            assertThat(run(engine, "Release", "sku-1", "orderId", "o-1").accepted()).isTrue();
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(((Item)engine.aggregate("sku-1").orElseThrow().state()).reservations()).isEmpty();
        }
    }

    @Test
    void shouldUpcastEveryOlderSchemaVersionThroughTheChainOnRead() throws Exception
    {
        try (Journal journal = Journal.open(JournalConfig.builder(dir.resolve("journal")).preallocate(false)
            .minFreeBytes(1024 * 1024).build()))
        {
            // version 1 as the first release of the module wrote it by hand: the name alone
            final ExpandableArrayBuffer v1 = new ExpandableArrayBuffer();
            final int length = v1.putStringUtf8(0, "old bolt", ByteOrder.LITTLE_ENDIAN, Integer.MAX_VALUE);
            // version 2 as the v2 record's derived codec writes it
            final BinaryFieldWriter v2 = new BinaryFieldWriter();
            RecordCodec.of(ItemRegisteredV2.class).write(new ItemRegisteredV2("nut", "hardware"), v2);
            final BinaryFieldWriter v1Derived = new BinaryFieldWriter();
            RecordCodec.of(ItemRegisteredV1.class).write(new ItemRegisteredV1("old bolt"), v1Derived);
            assertThat(v1Derived.length()).as("the v1 record describes the v1 layout").isEqualTo(length);

            final JournalAppender appender = journal.appender();
            appender.begin();
            appender.add(1, "item", "sku-old", 1, "ItemRegistered", 1, T0, "c-1", null, "c-1", v1, 0, length);
            appender.add(2, "item", "sku-v2", 1, "ItemRegistered", 2, T0, "c-1", null, "c-1", v2.buffer(), 0, v2.length());
            appender.commit();
            appender.flush();
        }
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "Restock", "sku-old", "quantity", 2L);
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            final Item item = (Item)engine.aggregate("sku-old").orElseThrow().state();
            assertThat(item.name()).isEqualTo("old bolt");
            assertThat(item.category()).isEqualTo(InventoryModule.UNCATEGORIZED);
            assertThat(item.unit()).isEqualTo(Unit.PIECE);
            assertThat(item.onHand()).isEqualTo(2);

            final List<RecordedEvent> events = engine.readEvents(1, 2, null, 10).events();
            assertThat(events).extracting(RecordedEvent::schemaVersion).as("served in the current schema")
                .containsExactly(3, 3);
            assertThat(events).extracting(RecordedEvent::data).containsExactly(
                new ItemRegistered("old bolt", InventoryModule.UNCATEGORIZED, Unit.PIECE),
                new ItemRegistered("nut", "hardware", Unit.PIECE));
        }
    }
}
