package dev.strand.bench.engine;

import dev.strand.bench.support.BenchFlags;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;
import dev.strand.journal.Durability;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Commands per second through the whole pipeline (ingress {@code newCommand}, ring, decide, journal append,
 * completion callback): several producer threads ({@code -t}, default 2) submit Deposits over 10,000 accounts,
 * {@code durability=async}, each keeping at most {@link #WINDOW} commands in flight and parking (never spinning)
 * while its window is full. The primary figure counts submissions; the {@code accepted} counter counts completions
 * the engine called back with an acceptance; they agree up to the windows in flight at an iteration's edges.
 *
 * <p>The baseline in the same run is {@code ChronicleAppendBaseline.appendThroughput} (raw appends of a record the
 * size of a journaled Deposit): the target is at least 0.6x of it.
 *
 * <p>{@code -p idempotencyWindow=1000000,0} shows what remembering accepted command ids costs; {@code -p
 * hashChain=true,false} what the journal's hash chain costs (false journals in format 2, without it); {@code -p
 * traceparent=false,true} what a W3C traceparent on every command costs (checked and attached at ingress as the gateway
 * does, {@code TraceParent.parse} then {@code Command.withTraceparent}, and journaled with its event).
 *
 * <p>Self-check: no command may be rejected or overloaded, and at tear-down the journal must end at the position
 * the accepted commands account for. The journal's bytes per event are printed, to size the baseline's records.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {
    BenchFlags.ADD_EXPORTS_REF, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_JAVAC,
    BenchFlags.ADD_EXPORTS_INTERNAL_MISC,
    BenchFlags.ADD_OPENS_JAVAC, BenchFlags.ADD_OPENS_LANG, BenchFlags.ADD_OPENS_REFLECT, BenchFlags.ADD_OPENS_IO,
    BenchFlags.ADD_OPENS_UTIL, BenchFlags.ADD_OPENS_NIO, BenchFlags.NO_ANALYTICS, BenchFlags.NO_ANNOUNCER,
    BenchFlags.HEAP_MIN, BenchFlags.HEAP_MAX})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineThroughputBenchmark
{
    public static final int ACCOUNTS = 10_000;
    /** Commands one producer keeps in flight at most. */
    public static final int WINDOW = 1_024;
    /** Park while the window is full. */
    static final long FULL_WINDOW_PARK_NANOS = 20_000;

    private static final Queue<Producer> PRODUCERS = new ConcurrentLinkedQueue<>();

    /** Accepted command ids the engine remembers (its default is 1,000,000; 0 turns idempotent replays off). */
    @Param("1000000")
    public int idempotencyWindow;

    /** Whether the journal carries the hash chain (the product always does; false only to measure its cost). */
    @Param("true")
    public boolean hashChain;

    /** Whether every command carries a W3C traceparent (needs hashChain=true: format 2 holds none). */
    @Param("false")
    public boolean traceparent;

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    EngineFixture fixture;
    String[] accounts;

    @Setup(Level.Trial)
    public void start()
    {
        PRODUCERS.clear();
        fixture = EngineFixture.start(Durability.ASYNC, ACCOUNTS, idempotencyWindow, hashChain);
        accounts = fixture.accounts();
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        try
        {
            long accepted = 0;
            long failed = 0;
            for (final Producer p : PRODUCERS)
            {
                p.drain();
                accepted += p.acceptedTotal.get();
                failed += p.failed.get();
            }
            if (failed > 0)
            {
                throw new IllegalStateException(failed + " commands were not accepted (overloaded or rejected)");
            }
            final long position = fixture.engine().journalPosition();
            if (position != ACCOUNTS + accepted)
            {
                throw new IllegalStateException("journal at " + position + " but " + accepted + " Deposits were accepted");
            }
            System.out.printf("%njournal: %d events, %d bytes, %.1f bytes per event%n", position,
                fixture.engine().metrics().journalBytes(), (double)fixture.engine().metrics().journalBytes() / position);
        }
        finally
        {
            fixture.close();
        }
    }

    /** One producer thread's window and counters. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Producer implements CommandCallback
    {
        /** Accepted completions in the current iteration (written by the engine's thread only). */
        public volatile long accepted;
        final AtomicLong acceptedTotal = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        long submitted;
        int next;

        public Producer()
        {
            PRODUCERS.add(this);
        }

        @Setup(Level.Iteration)
        public void resetIteration()
        {
            accepted = 0;
        }

        @Override
        public void onComplete(final CommandResult result)
        {
            if (result.accepted())
            {
                accepted++;
                acceptedTotal.incrementAndGet();
            }
            else
            {
                failed.incrementAndGet();
            }
            completed.incrementAndGet();
        }

        void drain()
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (completed.get() < submitted && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    @Benchmark
    public void submit(final Producer p)
    {
        while (p.submitted - p.completed.get() >= WINDOW)
        {
            LockSupport.parkNanos(FULL_WINDOW_PARK_NANOS);
        }
        if (p.submitted == 0)
        {
            p.next = ThreadLocalRandom.current().nextInt(accounts.length);
        }
        final String account = accounts[p.next];
        p.next = p.next + 1 == accounts.length ? 0 : p.next + 1;
        p.submitted++;
        final dev.strand.engine.api.Command deposit = fixture.deposit(account);
        fixture.engine().submit(traceparent ?
            deposit.withTraceparent(dev.strand.engine.api.TraceParent.parse(TRACEPARENT)) : deposit, p);
    }
}
