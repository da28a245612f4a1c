package dev.strand.engine.testdomain;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The SPI is not ledger-shaped: a second domain with its own rules, and an event upcast from schema v1 to v2. */
class InventoryModuleTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRunASecondDomainWithItsOwnRules() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(run(engine, "RegisterItem", "sku-1", "name", "bolt", "category", "hardware").accepted()).isTrue();
            run(engine, "Restock", "sku-1", "quantity", 5L);
            assertThat(run(engine, "Reserve", "sku-1", "orderId", "o-1", "quantity", 3L).accepted()).isTrue();
            final CommandResult tooMuch = run(engine, "Reserve", "sku-1", "orderId", "o-2", "quantity", 3L);
            assertThat(tooMuch.rejection().code()).isEqualTo(InventoryModule.OUT_OF_STOCK);
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            final InventoryModule.Item item = (InventoryModule.Item)engine.aggregate("sku-1").orElseThrow().state();
            assertThat(item).isEqualTo(new InventoryModule.Item("bolt", "hardware", 5, 3, 1));
            assertThat(engine.aggregate("sku-1").orElseThrow().aggregateType()).isEqualTo("item");
        }
    }

    @Test
    void shouldUpcastSchemaVersionOneEventsOnRead() throws Exception
    {
        try (Journal journal = Journal.open(JournalConfig.builder(dir.resolve("journal")).preallocate(false)
            .minFreeBytes(1024 * 1024).build()))
        {
            final ExpandableArrayBuffer v1 = new ExpandableArrayBuffer();
            final int length = v1.putStringUtf8(0, "old bolt", ByteOrder.LITTLE_ENDIAN, Integer.MAX_VALUE);
            final JournalAppender appender = journal.appender();
            appender.begin();
            appender.add(1, "item", "sku-old", 1, "ItemRegistered", 1, 1_700_000_000_000_000L, "c-1", null, "c-1", v1, 0, length);
            appender.commit();
            appender.flush();
        }
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "Restock", "sku-old", "quantity", 2L);
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            final InventoryModule.Item item = (InventoryModule.Item)engine.aggregate("sku-old").orElseThrow().state();
            assertThat(item.name()).isEqualTo("old bolt");
            assertThat(item.category()).isEqualTo("uncategorized");
            assertThat(item.onHand()).isEqualTo(2);

            final RecordedEvent first = engine.readEvents(1, 1, null, 10).events().get(0);
            assertThat(first.schemaVersion()).as("served in the current schema").isEqualTo(2);
            assertThat(first.data()).isEqualTo(new InventoryModule.ItemRegistered("old bolt", "uncategorized"));
        }
    }
}
