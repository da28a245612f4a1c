package dev.strand.engine.testdomain;

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
import dev.strand.engine.testdomain.InventoryModule.Item;
import dev.strand.engine.testdomain.InventoryModule.Released;
import dev.strand.engine.testdomain.InventoryModule.Reserved;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Orders (SPI v2) whose decisions span three aggregate types: placing an order reads every line's item and the
 * paying account, and emits {@code OrderPlaced} on the order, {@code Reserved} on each item and {@code Withdrawn} on
 * the account, in one commit or not at all; cancelling releases the stock and refunds. Its data uses every kind of
 * field: lists and maps of records, decimals, instants, enums, optional values.
 */
public final class OrderModule extends RecordModule<OrderModule.Order>
{
    public static final String TYPE = "order";
    public static final String NOT_PLACED = "NOT_PLACED";

    public enum Priority
    {
        LOW, NORMAL, HIGH
    }

    public enum Status
    {
        NONE, PLACED, CANCELLED
    }

    /** @param unitPrice in the account's currency, at most two decimals. */
    public record Line(String sku, long quantity, BigDecimal unitPrice)
    {
        public Line
        {
            InventoryModule.positive("quantity", quantity);
            if (unitPrice.signum() < 0 || unitPrice.scale() > 2)
            {
                throw new InvalidFieldException("unitPrice", "unitPrice must be >= 0 with at most two decimals");
            }
        }
    }

    public record PlaceOrder(String account, List<Line> lines, Map<String, String> tags, Optional<String> note,
        @Nullable Instant deliverBy, Priority priority)
    {
        public PlaceOrder
        {
            if (lines.isEmpty())
            {
                throw new IllegalArgumentException("an order needs at least one line");
            }
        }
    }

    public record CancelOrder(@Nullable String reason)
    {
    }

    /** @param charged what the account paid, in minor units. */
    public record OrderPlaced(String account, List<Line> lines, BigDecimal total, long charged, Map<String, String> tags,
        Optional<String> note, @Nullable Instant deliverBy, Priority priority, Instant placedAt)
    {
    }

    public record OrderCancelled(@Nullable String reason, long refunded)
    {
    }

    public record Order(Status status, @Nullable String account, List<Line> lines, BigDecimal total, long charged,
        Map<String, String> tags, @Nullable Instant placedAt)
    {
        static final Order NONE = new Order(Status.NONE, null, List.of(), BigDecimal.ZERO, 0, Map.of(), null);
    }

    public OrderModule()
    {
        super(TYPE, Order.class, Order.NONE);
        command(PlaceOrder.class, OrderModule::place);
        command(CancelOrder.class, OrderModule::cancel);
        event(OrderPlaced.class, (s, e) -> new Order(Status.PLACED, e.account(), e.lines(), e.total(), e.charged(),
            e.tags(), e.placedAt()));
        event(OrderCancelled.class, (s, e) -> new Order(Status.CANCELLED, s.account(), s.lines(), s.total(), s.charged(),
            s.tags(), s.placedAt()));
    }

    private static Decision place(final PlaceOrder c, final DecisionContext<Order> ctx)
    {
        if (ctx.exists())
        {
            return Decision.reject(Rejection.exists(ctx.aggregateId()));
        }
        BigDecimal total = BigDecimal.ZERO;
        final Map<String, Long> wanted = new HashMap<>();
        for (final Line line : c.lines())
        {
            if (!ctx.exists(Item.class, line.sku()))
            {
                return Decision.reject(Rejection.notFound(line.sku()));
            }
            final long quantity = wanted.merge(line.sku(), line.quantity(), Long::sum);
            final Item item = ctx.state(Item.class, line.sku());
            if (item.free() < quantity)
            {
                return Decision.reject(InventoryModule.OUT_OF_STOCK, line.sku() + " has " + item.free() + " free");
            }
            total = total.add(line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())));
        }
        if (!ctx.exists(Account.class, c.account()) || !ctx.state(Account.class, c.account()).open())
        {
            return Decision.reject(Rejection.notFound(c.account()));
        }
        final Account account = ctx.state(Account.class, c.account());
        final long charge = total.movePointRight(2).longValueExact();
        if (charge - account.overdraftLimit() > account.balance())
        {
            return Decision.reject(LedgerModule.INSUFFICIENT_FUNDS, c.account() + " cannot pay " + total);
        }
        final Instant now = ctx.timestamp();
        Decision decision = Decision.accept(new OrderPlaced(c.account(), c.lines(), total, charge, c.tags(), c.note(),
            c.deliverBy(), c.priority(), now));
        for (final Line line : c.lines())
        {
            decision = decision.andOn(line.sku(), new Reserved(ctx.aggregateId(), line.quantity(), now));
        }
        return decision.andOn(c.account(), new Withdrawn(charge, account.balance() - charge));
    }

    private static Decision cancel(final CancelOrder c, final DecisionContext<Order> ctx)
    {
        final Order order = ctx.state();
        if (order.status() != Status.PLACED)
        {
            return Decision.reject(NOT_PLACED, ctx.aggregateId() + " is " + order.status());
        }
        Decision decision = Decision.accept(new OrderCancelled(c.reason(), order.charged()));
        for (final String sku : order.lines().stream().map(Line::sku).distinct().sorted().toList())
        {
            final long reserved = ctx.state(Item.class, sku).reservedFor(ctx.aggregateId());
            if (reserved > 0)
            {
                decision = decision.andOn(sku, new Released(ctx.aggregateId(), reserved));
            }
        }
        final Account account = ctx.state(Account.class, order.account());
        if (!account.open())
        {
            return Decision.reject(LedgerModule.ACCOUNT_CLOSED, "cannot refund to closed account " + order.account());
        }
        return decision.andOn(order.account(), new Deposited(order.charged(), account.balance() + order.charged()));
    }
}
