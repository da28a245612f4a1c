package dev.strand.engine.testdomain;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventDecoder;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;
import dev.strand.engine.spi.InvalidFieldException;

import java.util.List;
import java.util.Map;

/**
 * A second, small domain that is not ledger-shaped: stock items with reservations per order. Its
 * {@code ItemRegistered} event is at schema version 2 (v2 added {@code category}); version 1 records are upcast on
 * read with category {@code "uncategorized"}.
 */
public final class InventoryModule extends AggregateModule<InventoryModule.Item>
{
    public static final String TYPE = "item";
    public static final String OUT_OF_STOCK = "OUT_OF_STOCK";

    public record Item(String name, String category, long onHand, long reserved, int reservations)
    {
        static final Item NONE = new Item(null, null, 0, 0, 0);
    }

    public record RegisterItem(String name, String category)
    {
    }

    public record Restock(long quantity)
    {
    }

    public record Reserve(String orderId, long quantity)
    {
    }

    public record ItemRegistered(String name, String category)
    {
    }

    public record Restocked(long quantity)
    {
    }

    public record Reserved(String orderId, long quantity)
    {
    }

    private final List<CommandType<Item, ?>> commandTypes = List.of(
        CommandType.of("RegisterItem",
            in -> new RegisterItem(in.readString("name"), in.readString("category", "uncategorized")),
            (id, c, ctx) ->
            {
                if (ctx.exists(id))
                {
                    return Rejection.exists(id);
                }
                ctx.emit(id, new ItemRegistered(c.name(), c.category()));
                return null;
            }),
        CommandType.of("Restock", in -> new Restock(positive(in, "quantity")),
            (id, c, ctx) ->
            {
                if (!ctx.exists(id))
                {
                    return Rejection.notFound(id);
                }
                ctx.emit(id, new Restocked(c.quantity()));
                return null;
            }),
        CommandType.of("Reserve", in -> new Reserve(in.readString("orderId"), positive(in, "quantity")),
            (id, c, ctx) ->
            {
                if (!ctx.exists(id))
                {
                    return Rejection.notFound(id);
                }
                final Item item = ctx.state(id);
                if (item.onHand() - item.reserved() < c.quantity())
                {
                    return Rejection.business(OUT_OF_STOCK, id + " has " + (item.onHand() - item.reserved()) + " free");
                }
                ctx.emit(id, new Reserved(c.orderId(), c.quantity()));
                return null;
            }));

    private static final EventDecoder<ItemRegistered> REGISTERED_V1 =
        in -> new ItemRegistered(in.readString("name"), "uncategorized");

    private final List<EventType<Item, ?>> eventTypes = List.of(
        EventType.versioned("ItemRegistered", ItemRegistered.class, 2,
            (e, out) -> out.writeString("name", e.name()).writeString("category", e.category()),
            in -> new ItemRegistered(in.readString("name"), in.readString("category")),
            (s, e) -> new Item(e.name(), e.category(), 0, 0, 0),
            Map.of(1, REGISTERED_V1)),
        EventType.of("Restocked", Restocked.class,
            (e, out) -> out.writeLong("quantity", e.quantity()),
            in -> new Restocked(in.readLong("quantity")),
            (s, e) -> new Item(s.name(), s.category(), s.onHand() + e.quantity(), s.reserved(), s.reservations())),
        EventType.of("Reserved", Reserved.class,
            (e, out) -> out.writeString("orderId", e.orderId()).writeLong("quantity", e.quantity()),
            in -> new Reserved(in.readString("orderId"), in.readLong("quantity")),
            (s, e) -> new Item(s.name(), s.category(), s.onHand(), s.reserved() + e.quantity(), s.reservations() + 1)));

    private static long positive(final FieldReader in, final String field)
    {
        final long value = in.readLong(field);
        if (value <= 0)
        {
            throw new InvalidFieldException(field, field + " must be positive");
        }
        return value;
    }

    @Override
    public String aggregateType()
    {
        return TYPE;
    }

    @Override
    public Item initialState()
    {
        return Item.NONE;
    }

    @Override
    public List<CommandType<Item, ?>> commandTypes()
    {
        return commandTypes;
    }

    @Override
    public List<EventType<Item, ?>> eventTypes()
    {
        return eventTypes;
    }

    @Override
    public void writeState(final Item state, final FieldWriter out)
    {
        out.writeString("name", state.name()).writeString("category", state.category())
            .writeLong("onHand", state.onHand()).writeLong("reserved", state.reserved())
            .writeLong("reservations", state.reservations());
    }

    @Override
    public Item readState(final FieldReader in)
    {
        return new Item(in.readString("name", null), in.readString("category", null), in.readLong("onHand"),
            in.readLong("reserved"), (int)in.readLong("reservations"));
    }
}
