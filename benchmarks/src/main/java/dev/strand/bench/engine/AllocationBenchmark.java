package dev.strand.bench.engine;

import dev.strand.bench.support.BenchFlags;
import dev.strand.journal.Durability;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Allocation of the Deposit path. Run it with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes every thread
 * of the process allocated per command (ingress, logic, journal, completion, and the read model, snapshotter and
 * subscription threads that follow the journal). Because the engine names its threads, each measurement iteration
 * also prints the bytes per command of each engine thread and of the submitting thread (ingress: {@code newCommand}
 * and the command itself), read from the JVM's per-thread allocation counters: the {@code engine-logic} line is the
 * logic path the issue asks about (decide, evolve, journal append and completion all run on that thread).
 *
 * <p>Setup: as {@link AppendLatencyBenchmark} with {@code durability=async}; one command in flight.
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
@Threads(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AllocationBenchmark
{
    /** The engine's threads, by the names it gives them. */
    static final String[] ENGINE_THREADS = {"engine-logic", "read-model", "snapshotter", "subscriptions"};

    private EngineFixture fixture;
    private String[] accounts;
    private final Waiter waiter = new Waiter();
    private int next;
    private long commands;
    private Map<String, Long> threadsBefore;
    private long submitterBefore;
    private long commandsBefore;

    @Setup(Level.Trial)
    public void start()
    {
        fixture = EngineFixture.start(Durability.ASYNC, AppendLatencyBenchmark.ACCOUNTS);
        accounts = fixture.accounts();
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        fixture.close();
    }

    @Setup(Level.Iteration)
    public void markIteration()
    {
        threadsBefore = ThreadAllocation.snapshot(ENGINE_THREADS);
        submitterBefore = ThreadAllocation.current();
        commandsBefore = commands;
    }

    @TearDown(Level.Iteration)
    public void reportIteration()
    {
        final long n = commands - commandsBefore;
        if (n == 0)
        {
            return;
        }
        final StringBuilder sb = new StringBuilder("\n  bytes per command by thread:");
        final Map<String, Long> after = ThreadAllocation.snapshot(ENGINE_THREADS);
        for (final Map.Entry<String, Long> e : after.entrySet())
        {
            sb.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), (e.getValue() - threadsBefore.get(e.getKey())) / (double)n));
        }
        // The submitting thread is the JMH worker; its counter includes the tear-down's own small allocations.
        sb.append(String.format(Locale.ROOT, " submitter(ingress)=%.1f", (ThreadAllocation.current() - submitterBefore) / (double)n));
        System.out.println(sb);
    }

    @Benchmark
    public long depositAndAwait()
    {
        final String account = accounts[next];
        next = next + 1 == accounts.length ? 0 : next + 1;
        waiter.arm();
        fixture.engine().submit(fixture.deposit(account), waiter);
        commands++;
        return waiter.awaitAccepted().position();
    }
}
