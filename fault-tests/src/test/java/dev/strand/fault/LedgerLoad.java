package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop writers that send Deposits and Transfers over HTTP and remember the fate of every command: acknowledged
 * (200: its last position and event count), rejected (a definite refusal: it must never appear in the journal), or
 * unknown (no answer: the server died with it in flight; it may be in the journal, whole, or absent).
 */
final class LedgerLoad
{
    /** What the server told us about one accepted command. */
    record Ack(String commandId, String type, long position, int events)
    {
    }

    final List<String> accounts;
    final Map<String, Ack> acked = new ConcurrentHashMap<>();
    final Set<String> rejected = ConcurrentHashMap.newKeySet();
    /** Commands sent without an answer, by id: the envelope, to resend after the restart. */
    final Map<String, JsonObject> unknown = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    private final Random seeds;

    LedgerLoad(final int accountCount, final long seed)
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < accountCount; i++)
        {
            names.add("acc-" + i);
        }
        this.accounts = List.copyOf(names);
        this.seeds = new Random(seed);
    }

    /** Opens the accounts (idempotently: fixed command ids) and gives each a starting balance, in atomic batches. */
    void openAccounts(final Http http)
    {
        final int perBatch = 2_000;
        for (int from = 0; from < accounts.size(); from += perBatch)
        {
            final JsonArray batch = new JsonArray();
            for (final String account : accounts.subList(from, Math.min(accounts.size(), from + perBatch)))
            {
                batch.add(Http.open(account).put("commandId", "open-" + account));
                batch.add(Http.deposit(account, 10_000).put("commandId", "seed-" + account));
            }
            final Http.Response r = http.batch(true, batch);
            if (r.statusCode() != 200)
            {
                throw new AssertionError("opening the accounts failed: " + r);
            }
            final JsonArray results = r.json().getJsonArray("results");
            for (int i = 0; i < results.size(); i++)
            {
                final JsonObject result = results.getJsonObject(i);
                final JsonArray events = result.getJsonArray("events");
                acked.put(result.getString("commandId"), new Ack(result.getString("commandId"),
                    batch.getJsonObject(i).getString("type"), result.getLong("position"), events == null ? 0 : events.size()));
            }
        }
    }

    /** Sends {@code count} random commands from this thread. */
    void sendRandom(final Http http, final int count, final Random random)
    {
        for (int i = 0; i < count; i++)
        {
            send(http, nextCommand(random));
        }
    }

    /** Sends one command and files its fate. */
    void send(final Http http, final JsonObject envelope)
    {
        final String id = envelope.getString("commandId");
        sent.incrementAndGet();
        final Http.Response r;
        try
        {
            r = http.command(envelope);
        }
        catch (final UncheckedIOException ex)
        {
            unknown.put(id, envelope);
            return;
        }
        file(envelope, r);
    }

    void file(final JsonObject envelope, final Http.Response r)
    {
        final String id = envelope.getString("commandId");
        if (r.statusCode() == 200)
        {
            final JsonObject body = r.json();
            acked.put(id, new Ack(id, envelope.getString("type"), body.getLong("position"), body.getJsonArray("events").size()));
            unknown.remove(id);
        }
        else if ((r.statusCode() >= 400 && r.statusCode() < 500) || "OVERLOADED".equals(r.code()))
        {
            rejected.add(id);
            unknown.remove(id);
        }
        else
        {
            unknown.put(id, envelope);
        }
    }

    /** A random Deposit or Transfer between two of the accounts. */
    JsonObject nextCommand(final Random random)
    {
        final String from = accounts.get(random.nextInt(accounts.size()));
        if (random.nextInt(10) < 6)
        {
            return Http.deposit(from, 1 + random.nextInt(1000));
        }
        String to = accounts.get(random.nextInt(accounts.size()));
        if (to.equals(from))
        {
            to = accounts.get((accounts.indexOf(from) + 1) % accounts.size());
        }
        return Http.transfer(from, to, 1 + random.nextInt(500));
    }

    /** Writers running until {@link #stop()}; they end on their own when the server dies. */
    final class Writers
    {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Writers(final Http http, final int count)
        {
            for (int w = 0; w < count; w++)
            {
                final Random random = new Random(seeds.nextLong());
                final Thread t = new Thread(() ->
                {
                    while (!stop.get())
                    {
                        final JsonObject envelope = nextCommand(random);
                        send(http, envelope);
                        if (unknown.containsKey(envelope.getString("commandId")) && !stop.get())
                        {
                            // the server is gone or not answering: stop writing until the next run
                            return;
                        }
                    }
                }, "ledger-writer-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void stop()
        {
            stop.set(true);
            for (final Thread t : threads)
            {
                try
                {
                    t.join(30_000);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive())
                {
                    throw new AssertionError(t.getName() + " did not stop");
                }
            }
        }
    }

    Writers start(final Http http, final int writers)
    {
        return new Writers(http, writers);
    }

    /**
     * After a restart: resends every command whose outcome is unknown, with the same commandId. One that the journal
     * holds must be answered from it (Idempotent-Replayed: true, the journaled position); one it does not hold is
     * executed now.
     *
     * @return how many were replayed from the journal.
     */
    int resendUnknown(final Http http, final LedgerAudit audit)
    {
        int replayed = 0;
        for (final JsonObject envelope : List.copyOf(unknown.values()))
        {
            final String id = envelope.getString("commandId");
            final Long journaled = audit.lastPositionOf(id);
            final Http.Response r = http.command(envelope);
            if (journaled != null)
            {
                if (r.statusCode() != 200 || !"true".equals(r.replayed()) || r.json().getLong("position").longValue() != journaled)
                {
                    throw new AssertionError("command " + id + " is in the journal (last position " + journaled +
                        ") but resending it did not replay it: " + r);
                }
                replayed++;
            }
            else if (r.statusCode() == 200 && "true".equals(r.replayed()))
            {
                throw new AssertionError("command " + id + " is not in the journal but was answered as a replay: " + r);
            }
            file(envelope, r);
            if (unknown.containsKey(id))
            {
                throw new AssertionError("resending " + id + " after the restart got no definite answer: " + r);
            }
        }
        return replayed;
    }
}
