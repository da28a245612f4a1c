package dev.strand.examples.orders;

import dev.strand.engine.spi.Projection;

/**
 * The example's projection {@value #NAME}: per paying account, the orders placed, cancelled and confirmed and what
 * they were placed for in total. {@code OrderPlaced} names the account and chooses the row; an order's later
 * {@code OrderCancelled} or {@code OrderConfirmed} do not name it and reach the same row through
 * {@link dev.strand.engine.spi.EventMeta#previousKey()}.
 */
public final class OrdersPerAccount extends Projection<OrdersPerAccount.AccountOrders>
{
    public static final String NAME = "orders-per-account";

    /**
     * @param placed    orders placed.
     * @param cancelled of those, cancelled.
     * @param confirmed of those, confirmed.
     * @param ordered   the sum of the placed orders' totals, in the account's minor units.
     */
    public record AccountOrders(long placed, long cancelled, long confirmed, long ordered)
    {
    }

    public OrdersPerAccount()
    {
        super(NAME, AccountOrders.class);
        on(OrderModule.OrderPlaced.class, (e, meta) -> e.account(), (row, e, meta) -> row == null ?
            new AccountOrders(1, 0, 0, e.total()) :
            new AccountOrders(row.placed() + 1, row.cancelled(), row.confirmed(), row.ordered() + e.total()));
        on(OrderModule.OrderCancelled.class, (e, meta) -> meta.previousKey(), (row, e, meta) ->
            new AccountOrders(row.placed(), row.cancelled() + 1, row.confirmed(), row.ordered()));
        on(OrderModule.OrderConfirmed.class, (e, meta) -> meta.previousKey(), (row, e, meta) ->
            new AccountOrders(row.placed(), row.cancelled(), row.confirmed() + 1, row.ordered()));
    }
}
