package dev.strand.engine.testdomain;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.ledger.Account;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.engine.testdomain.InventoryModule.Item;
import dev.strand.engine.testdomain.OrderModule.Order;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.strand.engine.EngineFixture.data;
import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decisions across aggregate types: an order reads items and an account and puts events on all of them in one
 * commit, or on none; its structured data is decoded strictly, errors naming the field's path.
 */
class OrderModuleTest
{
    @TempDir
    Path dir;
    private Engine engine;

    @BeforeEach
    void start()
    {
        engine = EngineFixture.start(dir);
        assertThat(run(engine, "OpenAccount", "acc", "currency", "EUR").accepted()).isTrue();
        assertThat(run(engine, "Deposit", "acc", "amount", 10_000L).accepted()).isTrue();
        run(engine, "RegisterItem", "i1", "name", "bolt");
        run(engine, "RegisterItem", "i2", "name", "nut");
        run(engine, "Restock", "i1", "quantity", 5L);
        run(engine, "Restock", "i2", "quantity", 1L);
    }

    @AfterEach
    void stop()
    {
        engine.close();
    }

    private static Map<String, Object> line(final String sku, final long quantity, final String unitPrice)
    {
        return data("sku", sku, "quantity", quantity, "unitPrice", unitPrice);
    }

    private static Map<String, Object> order(final String account, final List<Map<String, Object>> lines)
    {
        return data("account", account, "lines", lines, "tags", Map.of("channel", "web"), "priority", "HIGH");
    }

    private Command place(final String orderId, final Map<String, Object> data)
    {
        return EngineFixture.command(engine, "PlaceOrder", orderId, data);
    }

    private <T> T state(final String id, final Class<T> type) throws Exception
    {
        engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        return type.cast(engine.aggregate(id).orElseThrow().state());
    }

    @Test
    void shouldPutEventsOnThreeAggregateTypesInOneCommit() throws Exception
    {
        final long before = engine.journalPosition();
        final CommandResult placed = run(engine, place("o-1",
            order("acc", List.of(line("i1", 2, "12.50"), line("i2", 1, "3.25")))));
        assertThat(placed.accepted()).as(String.valueOf(placed.rejection())).isTrue();
        assertThat(placed.events()).extracting(RecordedEvent::aggregateId).containsExactly("o-1", "i1", "i2", "acc");
        assertThat(placed.events()).extracting(RecordedEvent::aggregateType)
            .containsExactly(OrderModule.TYPE, InventoryModule.TYPE, InventoryModule.TYPE, LedgerModule.TYPE);
        assertThat(placed.events()).extracting(RecordedEvent::position)
            .containsExactly(before + 1, before + 2, before + 3, before + 4);

        assertThat(state("acc", Account.class).balance()).isEqualTo(10_000 - 2_825);
        assertThat(state("i1", Item.class).reservedFor("o-1")).isEqualTo(2);
        assertThat(state("i2", Item.class).free()).isZero();
        final Order order = state("o-1", Order.class);
        assertThat(order.status()).isEqualTo(OrderModule.Status.PLACED);
        assertThat(order.total()).isEqualTo(new BigDecimal("28.25"));
        assertThat(order.tags()).containsEntry("channel", "web");

        final CommandResult cancelled = run(engine, "CancelOrder", "o-1", "reason", "changed my mind");
        assertThat(cancelled.events()).extracting(RecordedEvent::eventType)
            .containsExactly("OrderCancelled", "Released", "Released", "Deposited");
        assertThat(state("acc", Account.class).balance()).isEqualTo(10_000);
        assertThat(state("i1", Item.class).reservations()).isEmpty();
    }

    @Test
    void shouldJournalNothingOnAnyAggregateWhenTheDecisionRejects() throws Exception
    {
        final long before = engine.journalPosition();
        final Item i1 = state("i1", Item.class);
        final CommandResult outOfStock = run(engine, place("o-2",
            order("acc", List.of(line("i1", 1, "1.00"), line("i2", 2, "1.00")))));
        assertThat(outOfStock.rejection().code()).isEqualTo(InventoryModule.OUT_OF_STOCK);
        final CommandResult broke = run(engine, place("o-2", order("acc", List.of(line("i1", 1, "999999.99")))));
        assertThat(broke.rejection().code()).isEqualTo(LedgerModule.INSUFFICIENT_FUNDS);
        final CommandResult noSuchItem = run(engine, place("o-2", order("acc", List.of(line("acc", 1, "1.00")))));
        assertThat(noSuchItem.rejection().code()).as("an account is not an item").isEqualTo(ResultCodes.AGGREGATE_NOT_FOUND);

        final BatchResult batch = EngineFixture.runBatch(engine, List.of(
            EngineFixture.command(engine, "Deposit", "acc", data("amount", 1L)),
            place("o-3", order("acc", List.of(line("i1", 1, "1.00")))),
            place("o-4", order("acc", List.of(line("i2", 5, "1.00"))))), true);
        assertThat(batch.failedIndex()).isEqualTo(2);
        assertThat(batch.results().get(0).rejection().code()).isEqualTo(ResultCodes.ABORTED);

        assertThat(engine.journalPosition()).as("nothing journaled on any aggregate").isEqualTo(before);
        assertThat(state("i1", Item.class)).isEqualTo(i1);
        assertThat(state("acc", Account.class).balance()).isEqualTo(10_000);
        assertThat(engine.aggregate("o-2")).isEmpty();
        assertThat(engine.aggregate("o-3")).isEmpty();
    }

    @Test
    void shouldNameTheWholePathOfAnInvalidOrUnknownField()
    {
        final Map<String, Object> missingSku = order("acc", List.of(line("i1", 1, "1.00"),
            data("quantity", 1L, "unitPrice", "1.00")));
        assertThatThrownBy(() -> place("o-5", missingSku)).isInstanceOfSatisfying(InvalidCommandException.class, ex ->
        {
            assertThat(ex.rejection().code()).isEqualTo(ResultCodes.INVALID_FIELD);
            assertThat(ex.rejection().field()).isEqualTo("data.lines[1].sku");
            assertThat(ex.rejection().detail()).isEqualTo("field 'data.lines[1].sku' is required");
        });
        assertThatThrownBy(() -> place("o-5", order("acc", List.of(line("i1", 1, "1.005")))))
            .isInstanceOfSatisfying(InvalidCommandException.class,
                ex -> assertThat(ex.rejection().field()).isEqualTo("data.lines[0].unitPrice"));
        assertThatThrownBy(() -> place("o-5", order("acc", List.of())))
            .isInstanceOfSatisfying(InvalidCommandException.class, ex ->
            {
                assertThat(ex.rejection().field()).isEqualTo("data");
                assertThat(ex.rejection().detail()).isEqualTo("an order needs at least one line");
            });
        final Map<String, Object> priorityless = order("acc", List.of(line("i1", 1, "1.00")));
        priorityless.put("priority", "URGENT");
        assertThatThrownBy(() -> place("o-5", priorityless)).isInstanceOfSatisfying(InvalidCommandException.class,
            ex -> assertThat(ex.rejection().detail()).isEqualTo("field 'data.priority' must be one of LOW, NORMAL, HIGH"));

        final Map<String, Object> typo = line("i1", 1, "1.00");
        typo.put("skuu", "i2");
        final MapFieldReader reader = new MapFieldReader(order("acc", List.of(typo)));
        engine.newCommand(null, "PlaceOrder", "o-5", Command.ANY_VERSION, null, reader);
        assertThat(reader.firstUnreadField()).as("what the gateway refuses as UNKNOWN_FIELD data.lines[0].skuu")
            .isEqualTo("lines[0].skuu");
    }
}
