package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writers for a cluster: Deposits with client command ids, sent to every member's gateway, each one retried with the
 * same command id until its outcome is definite, the way a client of a cluster must. An answer is definite when it
 * is 200 (acknowledged: journaled exactly once at the position it gives) or 4xx (refused: never journaled); a 503
 * ({@code NO_LEADER}, {@code NO_QUORUM}, {@code OUTCOME_UNKNOWN}, {@code HALTED}), a connection refused, reset or timed
 * out (the member is down or stopped) are retried on the next member after {@value #RETRY_PAUSE_MS} ms. The writers do not wait the
 * {@code Retry-After} seconds, so the time a failover takes is the cluster's, not a back-off's; every 503 must carry
 * the header all the same. Since every command ends definite, each account's balance must be its seed plus the sum of
 * its acknowledged deposits, exactly.
 */
final class ClusterLoad
{
    static final long SEED_BALANCE = 10_000;
    static final long RETRY_PAUSE_MS = 25;
    static final Duration COMMAND_DEADLINE = Duration.ofSeconds(60);
    private static final Set<String> RETRIED_503 = Set.of("NO_LEADER", "NO_QUORUM", "OUTCOME_UNKNOWN", "HALTED");

    private final StrandCluster cluster;
    final List<String> accounts;
    /** Acknowledged commands (the seeds' included), by id, as the audit checks them. */
    final Map<String, LedgerLoad.Ack> acked = new ConcurrentHashMap<>();
    /** Acknowledged deposits: command id to account and amount. */
    final Map<String, Deposit> deposits = new ConcurrentHashMap<>();
    final Set<String> rejected = ConcurrentHashMap.newKeySet();
    /** How often each kind of non-200 answer came: "503 NO_LEADER", "connection", ... */
    final Map<String, AtomicLong> retries = new ConcurrentHashMap<>();
    final AtomicLong commands = new AtomicLong();
    final AtomicLong attempts = new AtomicLong();
    /** 200 answers with {@code Idempotent-Replayed: true}: a retry of a command committed by an earlier attempt. */
    final AtomicLong replayed = new AtomicLong();
    /** Answers no documented contract allows (a 503 without Retry-After, a 500, an unknown 503 code). */
    final List<String> unexpected = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Random seeds;
    private volatile long markNanos = Long.MAX_VALUE;
    private final AtomicLong firstAckAfterMark = new AtomicLong(Long.MAX_VALUE);

    /** One acknowledged deposit. */
    record Deposit(String account, long amount)
    {
    }

    ClusterLoad(final StrandCluster cluster, final int accountCount, final long seed)
    {
        this.cluster = cluster;
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < accountCount; i++)
        {
            names.add("acc-" + i);
        }
        this.accounts = List.copyOf(names);
        this.seeds = new Random(seed);
    }

    /** Opens the accounts with a seed deposit each, in one atomic batch (fixed ids: a retry is a replay). */
    void openAccounts()
    {
        final JsonArray batch = new JsonArray();
        for (final String account : accounts)
        {
            batch.add(Http.open(account).put("commandId", "open-" + account));
            batch.add(Http.deposit(account, SEED_BALANCE).put("commandId", "seed-" + account));
        }
        final JsonObject body = new JsonObject().put("atomic", true).put("commands", batch);
        final Http.Response r = untilDefinite(0, "/commands/batch", body).response();
        if (r.statusCode() != 200)
        {
            throw new AssertionError("opening the accounts failed: " + r);
        }
        final JsonArray results = r.json().getJsonArray("results");
        for (int i = 0; i < results.size(); i++)
        {
            final JsonObject result = results.getJsonObject(i);
            final JsonArray events = result.getJsonArray("events");
            acked.put(result.getString("commandId"), new LedgerLoad.Ack(result.getString("commandId"),
                batch.getJsonObject(i).getString("type"), result.getLong("position"), events == null ? 0 : events.size()));
        }
    }

    /** A fresh deposit of 1-1000 into a random account. */
    JsonObject nextDeposit(final Random random)
    {
        return Http.deposit(accounts.get(random.nextInt(accounts.size())), 1 + random.nextInt(1000));
    }

    /** A definite answer, and whether an earlier attempt of the same command may have been committed. */
    record Outcome(Http.Response response, boolean ambiguousBefore)
    {
        int statusCode()
        {
            return response.statusCode();
        }
    }

    /**
     * Sends one command, starting at member {@code first}, until its outcome is definite, and files it.
     *
     * @return the definite answer.
     */
    Outcome send(final int first, final JsonObject envelope)
    {
        commands.incrementAndGet();
        final long firstSent = System.nanoTime();
        final Outcome outcome = untilDefinite(first, "/commands", envelope);
        file(envelope, outcome.response());
        if (outcome.statusCode() == 200 && firstSent > markNanos)
        {
            firstAckAfterMark.accumulateAndGet(System.nanoTime(), Math::min);
        }
        return outcome;
    }

    /** Files an answer to a command: 200 acknowledged, 4xx refused, anything else leaves it unknown. */
    void file(final JsonObject envelope, final Http.Response r)
    {
        final String id = envelope.getString("commandId");
        if (r.statusCode() == 200)
        {
            final JsonObject body = r.json();
            acked.put(id, new LedgerLoad.Ack(id, envelope.getString("type"), body.getLong("position"),
                body.getJsonArray("events").size()));
            if ("Deposit".equals(envelope.getString("type")))
            {
                deposits.put(id, new Deposit(envelope.getString("aggregateId"),
                    envelope.getJsonObject("data").getLong("amount")));
            }
        }
        else if (r.statusCode() >= 400 && r.statusCode() < 500)
        {
            rejected.add(id);
        }
    }

    private Outcome untilDefinite(final int first, final String path, final JsonObject body)
    {
        final long deadline = System.nanoTime() + COMMAND_DEADLINE.toNanos();
        int node = first;
        String last = "nothing";
        boolean ambiguous = false;
        while (System.nanoTime() < deadline)
        {
            final Http http = cluster.http(node);
            if (http == null)
            {
                node = (node + 1) % cluster.size();
                LockSupport.parkNanos(1_000_000);
                continue;
            }
            attempts.incrementAndGet();
            final Http.Response r;
            try
            {
                r = http.post(path, body);
            }
            catch (final UncheckedIOException ex)
            {
                // refused (the member is down: never sent) or reset (it died with the request: maybe committed)
                ambiguous |= !(ex.getCause() instanceof java.net.ConnectException);
                count("connection");
                last = "member " + node + ": " + ex.getMessage();
                node = (node + 1) % cluster.size();
                Waits.sleep(RETRY_PAUSE_MS);
                continue;
            }
            if (r.statusCode() == 200)
            {
                if ("true".equals(r.replayed()))
                {
                    replayed.incrementAndGet();
                }
                return new Outcome(r, ambiguous);
            }
            if (r.statusCode() >= 400 && r.statusCode() < 500)
            {
                return new Outcome(r, ambiguous);
            }
            final String code = r.code();
            count(r.statusCode() + " " + code);
            ambiguous |= "OUTCOME_UNKNOWN".equals(code);
            if (r.statusCode() != 503 || !RETRIED_503.contains(code) || r.retryAfter() == null)
            {
                unexpected.add("member " + node + " answered " + body.getString("commandId", "a batch") +
                    (r.retryAfter() == null ? " (no Retry-After)" : "") + ": " + r);
            }
            last = "member " + node + ": " + r;
            node = (node + 1) % cluster.size();
            Waits.sleep(RETRY_PAUSE_MS);
        }
        throw new AssertionError("no definite answer to " + body.getString("commandId", "a batch") + " within " +
            COMMAND_DEADLINE + "; the last: " + last);
    }

    private void count(final String what)
    {
        retries.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    /** From now on, {@link #firstAckSinceMark} tells when the first command sent after this moment was acknowledged. */
    long mark()
    {
        firstAckAfterMark.set(Long.MAX_VALUE);
        markNanos = System.nanoTime();
        return markNanos;
    }

    /** The {@link System#nanoTime} of the first acknowledgement of a command first sent after {@link #mark}, or -1. */
    long firstAckSinceMark()
    {
        final long t = firstAckAfterMark.get();
        return t == Long.MAX_VALUE ? -1 : t;
    }

    /** One deposit from a thread of its own, starting at member {@code first}: a probe sent the moment it is called. */
    Thread probe(final int first)
    {
        final Random random = new Random(seeds.nextLong());
        final Thread t = new Thread(() -> guarded(() -> send(first, nextDeposit(random))), "cluster-probe-" + first);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void guarded(final Runnable work)
    {
        try
        {
            work.run();
        }
        catch (final RuntimeException | Error ex)
        {
            failures.add(ex);
        }
    }

    /** Each account's expected balance: the seed plus its acknowledged deposits. */
    Map<String, Long> expectedBalances()
    {
        final Map<String, Long> balances = new TreeMap<>();
        accounts.forEach(a -> balances.put(a, SEED_BALANCE));
        deposits.values().forEach(d -> balances.merge(d.account(), d.amount(), Long::sum));
        return balances;
    }

    /** Throws the first failure a writer met, with the unexpected answers. */
    void checkHealthy()
    {
        if (!failures.isEmpty())
        {
            final AssertionError e = new AssertionError("a writer failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        if (!unexpected.isEmpty())
        {
            throw new AssertionError(unexpected.size() + " answers outside the contract, the first: " +
                unexpected.subList(0, Math.min(5, unexpected.size())));
        }
        if (!rejected.isEmpty())
        {
            throw new AssertionError("deposits to open accounts were refused: " + rejected);
        }
    }

    String summary()
    {
        final Map<String, Long> counts = new TreeMap<>();
        retries.forEach((k, v) -> counts.put(k, v.get()));
        return String.format("commands=%d acknowledged=%d attempts=%d replayed on retry=%d retried answers=%s",
            commands.get(), acked.size(), attempts.get(), replayed.get(), counts);
    }

    /**
     * Writers running until {@link #stop()}: writer {@code w} sends each command first to member {@code w % size}.
     *
     * @param perSecond the total rate over all writers, or 0 for closed loops.
     */
    Writers start(final int writers, final int perSecond)
    {
        return new Writers(writers, perSecond);
    }

    final class Writers
    {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        private Writers(final int count, final int perSecond)
        {
            final long interval = perSecond > 0 ? 1_000_000_000L * count / perSecond : 0;
            for (int w = 0; w < count; w++)
            {
                final int first = w % cluster.size();
                final Random random = new Random(seeds.nextLong());
                final Thread t = new Thread(() -> guarded(() ->
                {
                    long next = System.nanoTime();
                    while (!stop.get())
                    {
                        send(first, nextDeposit(random));
                        if (interval > 0)
                        {
                            next = Math.max(next + interval, System.nanoTime() - interval);
                            LockSupport.parkNanos(next - System.nanoTime());
                        }
                    }
                }), "cluster-writer-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        /** Stops after each writer's command in flight is definite. */
        void stop()
        {
            stop.set(true);
            for (final Thread t : threads)
            {
                join(t);
            }
        }
    }

    static void join(final Thread t)
    {
        try
        {
            t.join(COMMAND_DEADLINE.toMillis() + 30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        if (t.isAlive())
        {
            throw new AssertionError(t.getName() + " did not stop");
        }
    }
}
