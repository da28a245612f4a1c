package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the whole global log over {@code GET /events} and checks what a user relies on:
 * <ul>
 * <li>positions run 1..N without a gap; each aggregate's versions run 1..n without a gap;</li>
 * <li>every command's events are one contiguous run (exactly once), of the right shape: a Transfer is a
 * TransferSent on its source and a TransferReceived on its target, together, never half;</li>
 * <li>every acknowledged command is there, at the position it was acknowledged with; every rejected one is not;</li>
 * <li>replaying the events gives every {@code balance} the events themselves carry, never below zero, and the read
 * side ({@code GET /aggregates/{id}}) serves exactly the replayed balance and version.</li>
 * </ul>
 * It reads incrementally: events it has already checked are re-read only in an overlap, which must match; {@link
 * #full} re-reads everything.
 */
final class LedgerAudit
{
    /** One journaled event, the fields the audit needs. */
    record Event(long position, String aggregateId, String aggregateType, long version, String type, String commandId,
                 long amount, long balance, String counterparty, long overdraftLimit)
    {
        static Event of(final JsonObject e)
        {
            final JsonObject data = e.getJsonObject("data", new JsonObject());
            final Object amount = data.getValue("amount");
            final Object balance = data.getValue("balance");
            String counterparty = data.getString("to");
            if (counterparty == null)
            {
                counterparty = data.getString("from");
            }
            return new Event(e.getLong("position"), e.getString("aggregateId"), e.getString("aggregateType"),
                e.getLong("version"), e.getString("type"), e.getString("commandId"),
                amount instanceof Number n ? n.longValue() : 0, balance instanceof Number n ? n.longValue() : Long.MIN_VALUE,
                counterparty, data.getValue("overdraftLimit") instanceof Number n ? n.longValue() : 0);
        }

        boolean sameAs(final Event other)
        {
            return position == other.position && version == other.version && aggregateId.equals(other.aggregateId) &&
                type.equals(other.type) && java.util.Objects.equals(commandId, other.commandId) && amount == other.amount &&
                balance == other.balance;
        }
    }

    private static final int PAGE = 10_000;
    private static final int OVERLAP = 2_000;

    private final List<Event> events = new ArrayList<>();
    private final Map<String, Long> lastPositionByCommand = new HashMap<>();
    private final Map<String, Long> balances = new TreeMap<>();
    private final Map<String, Long> versions = new TreeMap<>();
    private final Map<String, Long> overdraftLimits = new HashMap<>();
    private long reads;

    /** Reads the new part of the log (plus an overlap that must match what was read before) and checks it all. */
    LedgerAudit read(final Http http)
    {
        return read(http, false);
    }

    LedgerAudit full(final Http http)
    {
        return read(http, true);
    }

    private LedgerAudit read(final Http http, final boolean full)
    {
        final long from = full ? 1 : Math.max(1, events.size() - OVERLAP + 1);
        final List<Event> fresh = new ArrayList<>();
        long next = from;
        while (true)
        {
            final Http.Response r = http.get("/events?fromPosition=" + next + "&limit=" + PAGE);
            if (r.statusCode() != 200)
            {
                throw new AssertionError("GET /events failed: " + r);
            }
            reads++;
            final JsonObject page = r.json();
            final JsonArray batch = page.getJsonArray("events");
            if (batch.isEmpty())
            {
                break;
            }
            for (int i = 0; i < batch.size(); i++)
            {
                fresh.add(Event.of(batch.getJsonObject(i)));
            }
            next = page.getLong("nextPosition");
        }
        final long expectedEnd = http.journalPosition();
        final List<Event> previous = List.copyOf(events);
        for (int i = 0; i < fresh.size(); i++)
        {
            final Event e = fresh.get(i);
            if (e.position() != from + i)
            {
                throw new AssertionError("positions are not gapless: expected " + (from + i) + ", read " + e.position());
            }
            final int index = (int)(e.position() - 1);
            if (index < previous.size() && !previous.get(index).sameAs(e))
            {
                throw new AssertionError("the event at position " + e.position() + " changed across a restart: was " +
                    previous.get(index) + ", now " + e);
            }
        }
        final int kept = (int)(from - 1);
        if (previous.size() > kept + fresh.size())
        {
            throw new AssertionError("the journal lost events it had served before: it held " + previous.size() +
                ", now ends at " + (kept + fresh.size()));
        }
        events.subList(kept, events.size()).clear();
        events.addAll(fresh);
        if (events.size() != expectedEnd)
        {
            throw new AssertionError("GET /events ends at " + events.size() + " but the journal position metric says " + expectedEnd);
        }
        check();
        return this;
    }

    /** Every structural check over the events read so far. */
    private void check()
    {
        lastPositionByCommand.clear();
        balances.clear();
        versions.clear();
        overdraftLimits.clear();
        final Map<String, Long> firstPositionByCommand = new HashMap<>();
        final Map<String, Integer> countByCommand = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++)
        {
            final Event e = events.get(i);
            if (e.position() != i + 1)
            {
                throw new AssertionError("position " + e.position() + " at index " + i);
            }
            final long version = versions.getOrDefault(e.aggregateId(), 0L) + 1;
            if (e.version() != version)
            {
                throw new AssertionError("aggregate " + e.aggregateId() + " version " + e.version() + " at position " +
                    e.position() + ", expected " + version);
            }
            versions.put(e.aggregateId(), version);

            final String id = e.commandId();
            if (id == null)
            {
                throw new AssertionError("event without commandId at " + e.position());
            }
            final Long last = lastPositionByCommand.get(id);
            if (last != null && last != e.position() - 1)
            {
                throw new AssertionError("command " + id + " appears twice: positions " + firstPositionByCommand.get(id) +
                    ".." + last + " and again at " + e.position());
            }
            firstPositionByCommand.putIfAbsent(id, e.position());
            lastPositionByCommand.put(id, e.position());
            countByCommand.merge(id, 1, Integer::sum);

            applyBalance(e);
        }
        for (final Map.Entry<String, Integer> c : countByCommand.entrySet())
        {
            checkShape(c.getKey(), firstPositionByCommand.get(c.getKey()), c.getValue());
        }
    }

    private void applyBalance(final Event e)
    {
        if (!"account".equals(e.aggregateType()))
        {
            return;
        }
        final long before = balances.getOrDefault(e.aggregateId(), 0L);
        final long after = switch (e.type())
        {
            case "AccountOpened", "AccountClosed" -> before;
            case "Deposited", "TransferReceived" -> before + e.amount();
            case "Withdrawn", "TransferSent" -> before - e.amount();
            default -> throw new AssertionError("unexpected ledger event " + e);
        };
        if (e.balance() != Long.MIN_VALUE && e.balance() != after)
        {
            throw new AssertionError("replaying the events gives balance " + after + " for " + e.aggregateId() +
                " at position " + e.position() + " but the event says " + e.balance());
        }
        if ("AccountOpened".equals(e.type()))
        {
            overdraftLimits.put(e.aggregateId(), e.overdraftLimit());
        }
        if (after < -overdraftLimits.getOrDefault(e.aggregateId(), 0L))
        {
            throw new AssertionError("balance of " + e.aggregateId() + " went below -overdraftLimit at " + e.position());
        }
        balances.put(e.aggregateId(), after);
    }

    private void checkShape(final String commandId, final long first, final int count)
    {
        final Event e = events.get((int)first - 1);
        switch (e.type())
        {
            case "TransferSent" ->
            {
                if (count != 2)
                {
                    throw new AssertionError("transfer " + commandId + " has " + count + " events (half a transfer?)");
                }
                final Event received = events.get((int)first);
                if (!received.type().equals("TransferReceived") || !received.aggregateId().equals(e.counterparty()) ||
                    received.amount() != e.amount() || !e.aggregateId().equals(received.counterparty()))
                {
                    throw new AssertionError("transfer " + commandId + " is not a matching Sent/Received pair: " + e + " / " + received);
                }
            }
            case "TransferReceived" -> throw new AssertionError("TransferReceived without its TransferSent: " + e);
            case "Deposited", "Withdrawn", "AccountOpened", "AccountClosed" ->
            {
                if (count != 1 && !commandId.startsWith("batch-"))
                {
                    throw new AssertionError("command " + commandId + " (" + e.type() + ") has " + count + " events");
                }
            }
            default ->
            {
                // other modules' events: exactly-once and contiguity are checked above
            }
        }
    }

    /** Acknowledged commands are there, at their positions; rejected ones are not. */
    LedgerAudit checkAgainst(final LedgerLoad load)
    {
        return checkAgainst(load.acked, load.rejected);
    }

    /** Acknowledged commands are there, at their positions; rejected ones are not. */
    LedgerAudit checkAgainst(final Map<String, LedgerLoad.Ack> acked, final Set<String> rejected)
    {
        for (final LedgerLoad.Ack ack : acked.values())
        {
            final Long last = lastPositionByCommand.get(ack.commandId());
            if (last == null)
            {
                throw new AssertionError("acknowledged command " + ack + " is missing from the journal (" + events.size() + " events)");
            }
            if (last != ack.position())
            {
                throw new AssertionError("acknowledged command " + ack + " is journaled ending at position " + last);
            }
        }
        for (final String id : rejected)
        {
            if (lastPositionByCommand.containsKey(id))
            {
                throw new AssertionError("rejected command " + id + " is in the journal at " + lastPositionByCommand.get(id));
            }
        }
        return this;
    }

    /** The read side serves the replayed balance and version of every account. */
    LedgerAudit checkReadSide(final Http http, final Iterable<String> accounts)
    {
        final long end = events.size();
        for (final String account : accounts)
        {
            final Http.Response r = http.get("/aggregates/" + account + "?minPosition=" + end);
            if (r.statusCode() != 200)
            {
                throw new AssertionError("GET /aggregates/" + account + ": " + r);
            }
            final JsonObject view = r.json();
            final long balance = view.getJsonObject("state").getLong("balance");
            if (balance != balances.getOrDefault(account, 0L) || view.getLong("version") != versions.getOrDefault(account, 0L).longValue())
            {
                throw new AssertionError("the read side says " + account + " has balance " + balance + " at version " +
                    view.getLong("version") + "; the events say " + balances.get(account) + " at version " + versions.get(account));
            }
        }
        return this;
    }

    Long lastPositionOf(final String commandId)
    {
        return lastPositionByCommand.get(commandId);
    }

    long size()
    {
        return events.size();
    }

    List<Event> events()
    {
        return events;
    }

    Map<String, Long> balances()
    {
        return balances;
    }

    Set<String> commandIds()
    {
        return lastPositionByCommand.keySet();
    }

    long pagesRead()
    {
        return reads;
    }
}
