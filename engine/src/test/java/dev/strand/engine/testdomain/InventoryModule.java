package dev.strand.engine.testdomain;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.DecisionContext;
import dev.strand.engine.spi.EventVersions;
import dev.strand.engine.spi.InvalidFieldException;
import dev.strand.engine.spi.Nullable;
import dev.strand.engine.spi.RecordModule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A second domain that is not ledger-shaped (SPI v2): stock items holding, per order, the list of their reservations.
 * {@code ItemRegistered} is at schema version 3: v2 added {@code category} (v1 records read as
 * {@code "uncategorized"}), v3 added {@code unit} (older records read as {@link Unit#PIECE}). {@link OrderModule}
 * reserves and releases stock here from its own decisions.
 */
public final class InventoryModule extends RecordModule<InventoryModule.Item>
{
    public static final String TYPE = "item";
    public static final String OUT_OF_STOCK = "OUT_OF_STOCK";
    public static final String NOTHING_RESERVED = "NOTHING_RESERVED";
    public static final String UNCATEGORIZED = "uncategorized";

    public enum Unit
    {
        PIECE, KILOGRAM, METRE
    }

    /** Stock reserved for an order at a time. */
    public record Reservation(long quantity, Instant at)
    {
    }

    /** @param reservations per order id, its reservations in the order they were made; sorted by order id. */
    public record Item(@Nullable String name, @Nullable String category, @Nullable Unit unit, long onHand,
        Map<String, List<Reservation>> reservations)
    {
        static final Item NONE = new Item(null, null, null, 0, Map.of());

        public long reserved()
        {
            long sum = 0;
            for (final List<Reservation> list : reservations.values())
            {
                for (final Reservation r : list)
                {
                    sum += r.quantity();
                }
            }
            return sum;
        }

        public long reservedFor(final String orderId)
        {
            long sum = 0;
            for (final Reservation r : reservations.getOrDefault(orderId, List.of()))
            {
                sum += r.quantity();
            }
            return sum;
        }

        public long free()
        {
            return onHand - reserved();
        }
    }

    public record RegisterItem(String name, @Nullable String category, Optional<Unit> unit)
    {
    }

    public record Restock(long quantity)
    {
        public Restock
        {
            positive("quantity", quantity);
        }
    }

    public record Reserve(String orderId, long quantity)
    {
        public Reserve
        {
            positive("quantity", quantity);
        }
    }

    public record Release(String orderId)
    {
    }

    public record ItemRegisteredV1(String name)
    {
    }

    public record ItemRegisteredV2(String name, String category)
    {
    }

    public record ItemRegistered(String name, String category, Unit unit)
    {
    }

    public record Restocked(long quantity)
    {
    }

    public record Reserved(String orderId, long quantity, Instant at)
    {
    }

    public record Released(String orderId, long quantity)
    {
    }

    public InventoryModule()
    {
        super(TYPE, Item.class, Item.NONE);
        command(RegisterItem.class, InventoryModule::register);
        command(Restock.class, InventoryModule::restock);
        command(Reserve.class, InventoryModule::reserve);
        command(Release.class, InventoryModule::release);

        event(EventVersions.of(ItemRegisteredV1.class)
                .then(ItemRegisteredV2.class, v1 -> new ItemRegisteredV2(v1.name(), UNCATEGORIZED))
                .then(ItemRegistered.class, v2 -> new ItemRegistered(v2.name(), v2.category(), Unit.PIECE)),
            (s, e) -> new Item(e.name(), e.category(), e.unit(), 0, Map.of()));
        event(Restocked.class, (s, e) -> new Item(s.name(), s.category(), s.unit(), s.onHand() + e.quantity(),
            s.reservations()));
        event(Reserved.class, InventoryModule::reserved);
        event(Released.class, (s, e) ->
        {
            final TreeMap<String, List<Reservation>> reservations = new TreeMap<>(s.reservations());
            reservations.remove(e.orderId());
            return new Item(s.name(), s.category(), s.unit(), s.onHand(), Collections.unmodifiableSortedMap(reservations));
        });
    }

    private static Item reserved(final Item s, final Reserved e)
    {
        final TreeMap<String, List<Reservation>> reservations = new TreeMap<>(s.reservations());
        final List<Reservation> list = new ArrayList<>(reservations.getOrDefault(e.orderId(), List.of()));
        list.add(new Reservation(e.quantity(), e.at()));
        reservations.put(e.orderId(), List.copyOf(list));
        return new Item(s.name(), s.category(), s.unit(), s.onHand(), Collections.unmodifiableSortedMap(reservations));
    }

    private static Decision register(final RegisterItem c, final DecisionContext<Item> ctx)
    {
        if (ctx.exists())
        {
            return Decision.reject(Rejection.exists(ctx.aggregateId()));
        }
        return Decision.accept(new ItemRegistered(c.name(), c.category() == null ? UNCATEGORIZED : c.category(),
            c.unit().orElse(Unit.PIECE)));
    }

    private static Decision restock(final Restock c, final DecisionContext<Item> ctx)
    {
        if (!ctx.exists())
        {
            return Decision.reject(Rejection.notFound(ctx.aggregateId()));
        }
        return Decision.accept(new Restocked(c.quantity()));
    }

    private static Decision reserve(final Reserve c, final DecisionContext<Item> ctx)
    {
        if (!ctx.exists())
        {
            return Decision.reject(Rejection.notFound(ctx.aggregateId()));
        }
        final Item item = ctx.state();
        if (item.free() < c.quantity())
        {
            return Decision.reject(OUT_OF_STOCK, ctx.aggregateId() + " has " + item.free() + " free");
        }
        return Decision.accept(new Reserved(c.orderId(), c.quantity(), ctx.timestamp()));
    }

    private static Decision release(final Release c, final DecisionContext<Item> ctx)
    {
        if (!ctx.exists())
        {
            return Decision.reject(Rejection.notFound(ctx.aggregateId()));
        }
        final long reserved = ctx.state().reservedFor(c.orderId());
        if (reserved == 0)
        {
            return Decision.reject(NOTHING_RESERVED, ctx.aggregateId() + " holds nothing for " + c.orderId());
        }
        return Decision.accept(new Released(c.orderId(), reserved));
    }

    static void positive(final String field, final long value)
    {
        if (value <= 0)
        {
            throw new InvalidFieldException(field, field + " must be positive");
        }
    }
}
