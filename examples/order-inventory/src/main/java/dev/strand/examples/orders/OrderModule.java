package dev.strand.examples.orders;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.ledger.Account;
import dev.strand.engine.ledger.LedgerEvents.Deposited;
import dev.strand.engine.ledger.LedgerEvents.Withdrawn;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.DecisionContext;
import dev.strand.engine.spi.InvalidFieldException;
import dev.strand.engine.spi.Nullable;
import dev.strand.engine.spi.RecordModule;
import dev.strand.examples.orders.ItemModule.Item;
import dev.strand.examples.orders.ItemModule.ReservationConsumed;
import dev.strand.examples.orders.ItemModule.ReservationReleased;
import dev.strand.examples.orders.ItemModule.StockReserved;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code order}: one decision across three aggregate types. {@code PlaceOrder} reads every line's {@code item} and the
 * paying {@code account} (the built-in ledger's), and emits {@code OrderPlaced} on the order, {@code StockReserved} on
 * each item and the ledger's {@code Withdrawn} on the account: one journal commit, or nothing when any item lacks free
 * stock or the account cannot pay. {@code CancelOrder} releases the reservations and refunds; {@code ConfirmOrder}
 * consumes them (the stock leaves the warehouse).
 */
public final class OrderModule extends RecordModule<OrderModule.Order>
{
    public static final String TYPE = "order";
    public static final String OUT_OF_STOCK = "OUT_OF_STOCK";
    public static final String NOT_PLACED = "NOT_PLACED";
    /** An order has at most this many lines. */
    public static final int MAX_LINES = 100;

    public enum Status
    {
        NONE, PLACED, CANCELLED, CONFIRMED
    }

    /** @param unitPrice in the account's minor units (cents). */
    public record Line(String item, long quantity, long unitPrice)
    {
        public Line
        {
            ItemModule.positive("quantity", quantity);
            if (unitPrice < 0)
            {
                throw new InvalidFieldException("unitPrice", "unitPrice must be >= 0");
            }
        }
    }

    public record PlaceOrder(String account, List<Line> lines)
    {
        public PlaceOrder
        {
            if (lines.isEmpty() || lines.size() > MAX_LINES)
            {
                throw new InvalidFieldException("lines", "an order has 1 to " + MAX_LINES + " lines");
            }
        }
    }

    public record CancelOrder(@Nullable String reason)
    {
    }

    public record ConfirmOrder()
    {
    }

    /** @param items units per item id; @param total what the account paid. */
    public record OrderPlaced(String account, Map<String, Long> items, long total)
    {
    }

    public record OrderCancelled(@Nullable String reason, long refunded)
    {
    }

    public record OrderConfirmed()
    {
    }

    public record Order(Status status, @Nullable String account, Map<String, Long> items, long total)
    {
        static final Order NONE = new Order(Status.NONE, null, Map.of(), 0);
    }

    public OrderModule()
    {
        super(TYPE, Order.class, Order.NONE);
        command(PlaceOrder.class, OrderModule::place);
        command(CancelOrder.class, OrderModule::cancel);
        command(ConfirmOrder.class, OrderModule::confirm);
        event(OrderPlaced.class, (s, e) -> new Order(Status.PLACED, e.account(), e.items(), e.total()));
        event(OrderCancelled.class, (s, e) -> new Order(Status.CANCELLED, s.account(), s.items(), s.total()));
        event(OrderConfirmed.class, (s, e) -> new Order(Status.CONFIRMED, s.account(), s.items(), s.total()));
    }

    private static Decision place(final PlaceOrder c, final DecisionContext<Order> ctx)
    {
        if (ctx.exists())
        {
            return Decision.reject(Rejection.exists(ctx.aggregateId()));
        }
        // lines of the same item add up; a sorted map keeps the events' order independent of hashing
        final Map<String, Long> items = new TreeMap<>();
        long total = 0;
        for (final Line line : c.lines())
        {
            items.merge(line.item(), line.quantity(), Long::sum);
            try
            {
                total = Math.addExact(total, Math.multiplyExact(line.quantity(), line.unitPrice()));
            }
            catch (final ArithmeticException ex)
            {
                return Decision.reject(Rejection.business("TOTAL_OVERFLOW", "the order's total overflows"));
            }
        }
        for (final Map.Entry<String, Long> wanted : items.entrySet())
        {
            if (!ctx.exists(Item.class, wanted.getKey()))
            {
                return Decision.reject(Rejection.notFound(wanted.getKey()));
            }
            final long free = ctx.state(Item.class, wanted.getKey()).free();
            if (free < wanted.getValue())
            {
                return Decision.reject(OUT_OF_STOCK, wanted.getKey() + " has " + free + " free, the order wants " +
                    wanted.getValue());
            }
        }
        if (!ctx.exists(Account.class, c.account()))
        {
            return Decision.reject(Rejection.notFound(c.account()));
        }
        final Account account = ctx.state(Account.class, c.account());
        if (!account.open())
        {
            return Decision.reject(LedgerModule.ACCOUNT_CLOSED, c.account() + " is closed");
        }
        if (total - account.overdraftLimit() > account.balance())
        {
            return Decision.reject(LedgerModule.INSUFFICIENT_FUNDS, c.account() + " has " + account.balance() +
                ", the order costs " + total);
        }
        Decision decision = Decision.accept(new OrderPlaced(c.account(), items, total));
        for (final Map.Entry<String, Long> wanted : items.entrySet())
        {
            decision = decision.andOn(wanted.getKey(), new StockReserved(ctx.aggregateId(), wanted.getValue()));
        }
        return decision.andOn(c.account(), new Withdrawn(total, account.balance() - total));
    }

    private static Decision cancel(final CancelOrder c, final DecisionContext<Order> ctx)
    {
        final Order order = ctx.state();
        if (order.status() != Status.PLACED)
        {
            return Decision.reject(NOT_PLACED, ctx.aggregateId() + " is " + order.status());
        }
        final Account account = ctx.state(Account.class, order.account());
        if (!account.open())
        {
            return Decision.reject(LedgerModule.ACCOUNT_CLOSED, "cannot refund to closed account " + order.account());
        }
        Decision decision = Decision.accept(new OrderCancelled(c.reason(), order.total()));
        for (final String item : order.items().keySet())
        {
            final long held = ctx.state(Item.class, item).reservedFor(ctx.aggregateId());
            if (held > 0)
            {
                decision = decision.andOn(item, new ReservationReleased(ctx.aggregateId(), held));
            }
        }
        return decision.andOn(order.account(), new Deposited(order.total(), account.balance() + order.total()));
    }

    private static Decision confirm(final ConfirmOrder c, final DecisionContext<Order> ctx)
    {
        final Order order = ctx.state();
        if (order.status() != Status.PLACED)
        {
            return Decision.reject(NOT_PLACED, ctx.aggregateId() + " is " + order.status());
        }
        Decision decision = Decision.accept(new OrderConfirmed());
        for (final String item : order.items().keySet())
        {
            final long held = ctx.state(Item.class, item).reservedFor(ctx.aggregateId());
            if (held > 0)
            {
                decision = decision.andOn(item, new ReservationConsumed(ctx.aggregateId(), held));
            }
        }
        return decision;
    }
}
