package dev.strand.examples.orders;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.EventVersions;
import dev.strand.engine.spi.InvalidFieldException;
import dev.strand.engine.spi.Nullable;
import dev.strand.engine.spi.RecordModule;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code item}: a stock-keeping unit with the units on hand and the reservations held for orders. Only
 * {@code AddStock} is sent to an item; reservations are made, released and consumed by {@link OrderModule}'s decisions,
 * which emit this module's events on the items they touch.
 *
 * <p>{@code StockAdded} is at schema version 2: version 1 had only the quantity; journals written before the supplier
 * was recorded are read through the upcaster as supplier {@value #UNKNOWN_SUPPLIER}.
 */
public final class ItemModule extends RecordModule<ItemModule.Item>
{
    public static final String TYPE = "item";
    public static final String UNKNOWN_SUPPLIER = "unknown";

    /**
     * @param onHand   units in the warehouse, reserved ones included.
     * @param reserved units held per order id (sorted by order id).
     */
    public record Item(long onHand, Map<String, Long> reserved)
    {
        static final Item NONE = new Item(0, Map.of());

        /** @return units not held for any order. */
        public long free()
        {
            long held = 0;
            for (final long quantity : reserved.values())
            {
                held += quantity;
            }
            return onHand - held;
        }

        /** @return units held for {@code orderId}, 0 when none. */
        public long reservedFor(final String orderId)
        {
            return reserved.getOrDefault(orderId, 0L);
        }

        Item withReservation(final String orderId, final long quantity)
        {
            final Map<String, Long> next = new TreeMap<>(reserved);
            if (quantity == 0)
            {
                next.remove(orderId);
            }
            else
            {
                next.put(orderId, quantity);
            }
            return new Item(onHand, next);
        }
    }

    public record AddStock(long quantity, @Nullable String supplier)
    {
        public AddStock
        {
            positive("quantity", quantity);
        }
    }

    /** {@code StockAdded} as schema version 1 wrote it. */
    public record StockAddedV1(long quantity)
    {
    }

    /** {@code StockAdded}, schema version 2. */
    public record StockAdded(long quantity, String supplier)
    {
    }

    public record StockReserved(String orderId, long quantity)
    {
    }

    public record ReservationReleased(String orderId, long quantity)
    {
    }

    public record ReservationConsumed(String orderId, long quantity)
    {
    }

    public ItemModule()
    {
        super(TYPE, Item.class, Item.NONE);
        command(AddStock.class, (c, ctx) ->
        {
            if (ctx.state().onHand() > Long.MAX_VALUE - c.quantity())
            {
                return Decision.reject(Rejection.business("STOCK_OVERFLOW", ctx.aggregateId() + " cannot hold more"));
            }
            return Decision.accept(new StockAdded(c.quantity(), c.supplier() == null ? UNKNOWN_SUPPLIER : c.supplier()));
        });
        event("StockAdded", EventVersions.of(StockAddedV1.class)
                .then(StockAdded.class, old -> new StockAdded(old.quantity(), UNKNOWN_SUPPLIER)),
            (s, e) -> new Item(s.onHand() + e.quantity(), s.reserved()));
        event(StockReserved.class, (s, e) -> s.withReservation(e.orderId(), s.reservedFor(e.orderId()) + e.quantity()));
        event(ReservationReleased.class, (s, e) -> s.withReservation(e.orderId(), s.reservedFor(e.orderId()) - e.quantity()));
        event(ReservationConsumed.class, (s, e) ->
        {
            final Item released = s.withReservation(e.orderId(), s.reservedFor(e.orderId()) - e.quantity());
            return new Item(released.onHand() - e.quantity(), released.reserved());
        });
    }

    static void positive(final String field, final long value)
    {
        if (value <= 0)
        {
            throw new InvalidFieldException(field, field + " must be positive");
        }
    }
}
