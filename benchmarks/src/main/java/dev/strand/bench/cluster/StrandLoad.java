package dev.strand.bench.cluster;

import dev.strand.bench.baseline.BareClusterClient;
import dev.strand.cluster.ClusterClient;
import dev.strand.cluster.ClusterUnavailableException;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.MapFieldReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load through Strand's {@link ClusterClient}, the way the gateway's {@code ClusteredEngine} drives it: the calling
 * thread builds each Deposit at ingress ({@code newCommand}: the command factory, the decoder's reads recorded and
 * encoded as the command's wire form) and hands it over ({@code send}); the client's own thread sends it and
 * completes its future with the leader's decoded answer. An answer counts when it is accepted with one event; an
 * accepted replay (a message the client sent again after a leader change, already committed) is counted apart;
 * anything else is a failure.
 */
final class StrandLoad implements AutoCloseable
{
    private static final MapFieldReader OPEN_DATA = new MapFieldReader(Map.of("currency", "EUR"));
    private static final MapFieldReader DEPOSIT_DATA = new MapFieldReader(Map.of("amount", BareClusterClient.AMOUNT));

    private final ClusterClient client;
    private final String[] accounts;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong replays = new AtomicLong();
    private volatile Throwable firstFailure;
    private long sent;

    private StrandLoad(final ClusterClient client, final int accountCount)
    {
        this.client = client;
        this.accounts = new String[accountCount];
        for (int i = 0; i < accountCount; i++)
        {
            accounts[i] = "acc-" + i;
        }
    }

    /** Starts a client and opens the accounts, retrying the first until a leader answers or the timeout passes. */
    static StrandLoad connect(final ClusterClient.Config config, final int accountCount, final long timeoutNs)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        final ClusterClient client = ClusterClient.start(config, new ModuleRegistry(List.of(new LedgerModule())),
            () -> TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
        final StrandLoad load = new StrandLoad(client, accountCount);
        try
        {
            load.openAccounts(timeoutNs);
        }
        catch (final InterruptedException | ExecutionException | TimeoutException | RuntimeException ex)
        {
            client.close();
            throw ex;
        }
        return load;
    }

    private void openAccounts(final long timeoutNs) throws InterruptedException, ExecutionException, TimeoutException
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (true)
        {
            try
            {
                check(client.submit("open-0", "OpenAccount", accounts[0], Command.ANY_VERSION, null, OPEN_DATA)
                    .get(timeoutNs, TimeUnit.NANOSECONDS), "open-0");
                break;
            }
            catch (final ExecutionException ex)
            {
                if (!(ex.getCause() instanceof ClusterUnavailableException) || System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
            }
        }
        final List<CompletableFuture<CommandResult>> opens = new ArrayList<>();
        for (int i = 1; i < accounts.length; i++)
        {
            opens.add(client.submit("open-" + i, "OpenAccount", accounts[i], Command.ANY_VERSION, null, OPEN_DATA));
        }
        for (final CompletableFuture<CommandResult> f : opens)
        {
            final CommandResult r = f.get(30, TimeUnit.SECONDS);
            check(r, r.commandId());
        }
    }

    private static void check(final CommandResult r, final String what)
    {
        if (!r.accepted() || r.replayed())
        {
            throw new IllegalStateException(what + " was not accepted: " + r);
        }
    }

    int leaderMemberId()
    {
        return client.leaderMemberId();
    }

    /** Sends {@code count} Deposits with at most {@code window} unanswered, and waits for them. */
    void send(final long count, final int window) throws InterruptedException
    {
        final Semaphore permits = new Semaphore(window);
        for (long i = 0; i < count; i++)
        {
            deposit(permits);
        }
        drain(permits, window);
    }

    /** Closed loop, as {@link BareClusterClient#closedLoop}: {@code window} Deposits unanswered at all times. */
    BareClusterClient.Loop closedLoop(final int window, final long warmupNs, final long measureNs,
        final Runnable atStart, final Runnable atEnd) throws InterruptedException
    {
        final Semaphore permits = new Semaphore(window);
        final long failuresBefore = failures.get();
        final long start = System.nanoTime() + warmupNs;
        final long end = start + measureNs;
        long acceptedAtStart = -1;
        long now;
        while ((now = System.nanoTime()) - end < 0)
        {
            if (acceptedAtStart < 0 && now - start >= 0)
            {
                acceptedAtStart = accepted.get();
                atStart.run();
            }
            deposit(permits);
        }
        final long replies = accepted.get() - acceptedAtStart;
        final double seconds = (System.nanoTime() - start) / 1e9;
        atEnd.run();
        drain(permits, window);
        return new BareClusterClient.Loop(replies, seconds, failures.get() - failuresBefore);
    }

    private void deposit(final Semaphore permits) throws InterruptedException
    {
        permits.acquire();
        final long n = sent++;
        client.send(client.newCommand("d-" + n, null, "Deposit", accounts[(int)(n % accounts.length)], Command.ANY_VERSION,
            null, DEPOSIT_DATA)).whenComplete((r, t) ->
            {
                if (t == null && r.accepted() && r.events().size() == 1)
                {
                    if (r.replayed())
                    {
                        replays.incrementAndGet();
                    }
                    accepted.incrementAndGet();
                }
                else
                {
                    if (firstFailure == null)
                    {
                        firstFailure = t != null ? t : new IllegalStateException("not accepted: " + r);
                    }
                    failures.incrementAndGet();
                }
                permits.release();
            });
    }

    private static void drain(final Semaphore permits, final int window) throws InterruptedException
    {
        if (!permits.tryAcquire(window, 30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("Strand cluster: answers missing 30 s after the last send");
        }
    }

    /** Accepted answers that were replays (counted in the answers too). */
    long replays()
    {
        return replays.get();
    }

    /** Messages the client sent again after a leader change. */
    long resent()
    {
        return client.resentMessages();
    }

    /** The first failure seen, or null. */
    Throwable firstFailure()
    {
        return firstFailure;
    }

    @Override
    public void close()
    {
        client.close();
    }
}
