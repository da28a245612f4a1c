package dev.strand.bench.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.Cli;
import dev.strand.bench.support.UnitConverters;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.journal.Durability;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-process capacity harness (no HTTP): for each durability, in one process and one run,
 * <ol>
 * <li>raw Chronicle Queue appends of a journaled Deposit's size from one thread, flat out (the baseline rate);</li>
 * <li>the engine flat out: {@code --producers} threads submitting Deposits over 10,000 accounts, each with at most
 * 1,024 in flight (the sustainable rate S, and its ratio to the baseline);</li>
 * <li>the engine open loop at {@code --rate} and at S/2: P50/P99/P99.9/max from the intended times;</li>
 * </ol>
 * and once, as the open-loop floor, a bare Disruptor ring (same MULTI producer, Blocking wait strategy) with no
 * engine and no journal, at {@code --rate}. Every step is repeated {@code --repeat} times; the medians are printed.
 *
 * <pre>java [flags] -cp benchmarks.jar dev.strand.bench.engine.OpenLoopHarness [--rate 100000] [--seconds 10]
 *     [--warmup 5] [--durability async,sync] [--repeat 3] [--producers 2] [--flat-seconds 5] [--record-bytes 142]
 *     [--idempotency-window 1000000]</pre>
 */
@Command(name = "OpenLoopHarness", mixinStandardHelpOptions = true, sortOptions = false,
    description = "The in-process capacity harness: raw Chronicle, the engine flat out and open loop, a bare ring.")
public final class OpenLoopHarness implements Callable<Integer>
{
    static final int ACCOUNTS = 10_000;
    static final int WINDOW = 1_024;

    private OpenLoopHarness()
    {
    }

    @Option(names = "--rate", defaultValue = "100000", converter = UnitConverters.Count.class,
        description = "offered rate of the open-loop runs, e.g. 100k; default ${DEFAULT-VALUE}")
    double rate;
    @Option(names = "--seconds", defaultValue = "10s", converter = UnitConverters.Seconds.class,
        description = "measured time of each open-loop run; default ${DEFAULT-VALUE}")
    double seconds;
    @Option(names = "--warmup", defaultValue = "5s", converter = UnitConverters.Seconds.class,
        description = "warm-up before each run; default ${DEFAULT-VALUE}")
    double warmup;
    @Option(names = "--flat-seconds", defaultValue = "5s", converter = UnitConverters.Seconds.class,
        description = "measured time of the flat-out and raw runs; default ${DEFAULT-VALUE}")
    double flatSeconds;
    @Option(names = "--repeat", defaultValue = "3", converter = UnitConverters.IntCount.class,
        description = "repeats of every step (medians are printed); default ${DEFAULT-VALUE}")
    int repeat;
    @Option(names = "--producers", defaultValue = "2", converter = UnitConverters.IntCount.class,
        description = "submitting threads flat out; default ${DEFAULT-VALUE}")
    int producers;
    @Option(names = "--record-bytes", defaultValue = "142", converter = UnitConverters.IntCount.class,
        description = "record size of the raw Chronicle baseline; default ${DEFAULT-VALUE}")
    int recordBytes;
    @Option(names = "--durability", defaultValue = "async,sync", split = ",",
        description = "durabilities to measure, in order; default ${DEFAULT-VALUE}")
    List<Durability> durabilities;
    @Option(names = "--idempotency-window", defaultValue = "1000000", converter = UnitConverters.IntCount.class,
        description = "the engine's idempotency window; default ${DEFAULT-VALUE}")
    int window;

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("OpenLoopHarness", new OpenLoopHarness(), args));
    }

    @Override
    public Integer call() throws Exception
    {
        System.out.printf(Locale.ROOT,
            "open-loop harness: rate %,.0f/s, %ss measured after %ss warm-up, %d repeats, %d producers flat out, idempotency window %,d%n",
            rate, seconds, warmup, repeat, producers, window);

        final List<String> summary = new ArrayList<>();
        final double[] floorP99 = new double[repeat];
        final double[] floorP50 = new double[repeat];
        for (int r = 0; r < repeat; r++)
        {
            final OpenLoop.Result floor = bareRing(rate, warmup, seconds);
            print("bare ring (no engine, no journal)", floor);
            floorP50[r] = floor.p(50);
            floorP99[r] = floor.p(99);
        }
        summary.add(String.format(Locale.ROOT, "%-40s p50 %8.0f us  p99 %8.0f us", "bare ring open loop @" + (long)rate, median(floorP50), median(floorP99)));

        for (final Durability durability : durabilities)
        {
            final String d = durability.name().toLowerCase(Locale.ROOT);
            final double[] raw = new double[repeat];
            final double[] flat = new double[repeat];
            final double[][] atRate = new double[4][repeat];
            final double[][] atHalf = new double[4][repeat];
            for (int r = 0; r < repeat; r++)
            {
                raw[r] = rawChronicleRate(recordBytes, flatSeconds);
                try (EngineFixture fixture = EngineFixture.start(durability, ACCOUNTS, window))
                {
                    flat[r] = flatOut(fixture, producers, flatSeconds);
                    System.out.printf(Locale.ROOT, "%s: raw Chronicle %,.0f appends/s, engine flat out %,.0f cmds/s (%.3fx)%n",
                        d, raw[r], flat[r], flat[r] / raw[r]);
                    final OpenLoop.Result fixed = OpenLoop.run(engineTarget(fixture), rate, warmup, seconds);
                    print(d + " engine @" + (long)rate, fixed);
                    fill(atRate, r, fixed);
                    final OpenLoop.Result half = OpenLoop.run(engineTarget(fixture), Math.max(1, flat[r] / 2), warmup, seconds);
                    print(d + " engine @S/2=" + (long)(flat[r] / 2), half);
                    fill(atHalf, r, half);
                }
            }
            summary.add(String.format(Locale.ROOT, "%-40s %,.0f appends/s", d + ": raw Chronicle (" + recordBytes + " B)", median(raw)));
            summary.add(String.format(Locale.ROOT, "%-40s %,.0f cmds/s = %.3fx raw", d + ": engine flat out", median(flat),
                median(flat) / median(raw)));
            summary.add(line(d + ": open loop @" + (long)rate, atRate, median(floorP99)));
            summary.add(line(d + ": open loop @S/2", atHalf, median(floorP99)));
        }
        System.out.println();
        System.out.println("medians of " + repeat + " runs (latency from the intended send time):");
        summary.forEach(System.out::println);
        return 0;
    }

    private static void fill(final double[][] into, final int r, final OpenLoop.Result res)
    {
        into[0][r] = res.p(50);
        into[1][r] = res.p(99);
        into[2][r] = res.p(99.9);
        into[3][r] = res.rejected();
    }

    private static String line(final String name, final double[][] v, final double floorP99)
    {
        return String.format(Locale.ROOT, "%-40s p50 %8.0f us  p99 %8.0f us  p99.9 %8.0f us  rejected %.0f  (p99 %.2fx the bare ring's)",
            name, median(v[0]), median(v[1]), median(v[2]), median(v[3]), median(v[1]) / floorP99);
    }

    static double median(final double[] values)
    {
        final double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void print(final String name, final OpenLoop.Result r)
    {
        System.out.printf(Locale.ROOT, "%-40s rate %,9.0f/s  accepted %,9d  rejected %,6d  p50 %7d us  p99 %7d us  p99.9 %7d us  max %7d us%n",
            name, r.rate(), r.accepted(), r.rejected(), r.p(50), r.p(99), r.p(99.9),
            r.latency().getTotalCount() == 0 ? -1 : r.latency().getMaxValue());
    }

    private static OpenLoop.Target engineTarget(final EngineFixture fixture)
    {
        final Engine engine = fixture.engine();
        final String[] accounts = fixture.accounts();
        final int[] next = {0};
        return done ->
        {
            final String account = accounts[next[0]];
            next[0] = next[0] + 1 == accounts.length ? 0 : next[0] + 1;
            engine.submit(fixture.deposit(account), result -> done.completed(result.accepted()));
        };
    }

    /** Raw appends per second of {@code recordBytes}-byte records from one thread for {@code seconds}. */
    static double rawChronicleRate(final int recordBytes, final double seconds)
    {
        final Path dir = BenchDirs.newDir("chronicle-raw-");
        final Bytes<?> record = Bytes.allocateDirect(recordBytes);
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender appender = queue.createAppender())
        {
            for (int i = 0; i < recordBytes; i++)
            {
                record.writeByte((byte)i);
            }
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long n = 0;
            final long start = System.nanoTime();
            long now = start;
            while (now < end)
            {
                for (int i = 0; i < 1_000; i++)
                {
                    record.readPosition(0);
                    appender.writeBytes(record);
                }
                n += 1_000;
                now = System.nanoTime();
            }
            return n / ((now - start) / 1e9);
        }
        finally
        {
            record.releaseLast();
            BenchDirs.delete(dir);
        }
    }

    /** Completions per second with {@code producers} windowed producer threads for {@code seconds}. */
    static double flatOut(final EngineFixture fixture, final int producers, final double seconds) throws InterruptedException
    {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final long warmEnd = System.nanoTime() + 1_000_000_000L;
        final long end = warmEnd + (long)(seconds * 1e9);
        final AtomicLong acceptedAtWarmEnd = new AtomicLong(-1);
        final Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            final int offset = p * (ACCOUNTS / producers);
            threads[p] = new Thread(() ->
            {
                final AtomicLong done = new AtomicLong();
                final CommandCallback cb = (CommandResult r) ->
                {
                    if (r.accepted())
                    {
                        accepted.incrementAndGet();
                    }
                    else
                    {
                        failed.incrementAndGet();
                    }
                    done.incrementAndGet();
                };
                long submitted = 0;
                int next = offset;
                final String[] accounts = fixture.accounts();
                while (System.nanoTime() < end)
                {
                    while (submitted - done.get() >= WINDOW)
                    {
                        LockSupport.parkNanos(20_000);
                    }
                    fixture.engine().submit(fixture.deposit(accounts[next]), cb);
                    next = next + 1 == accounts.length ? 0 : next + 1;
                    submitted++;
                }
                while (done.get() < submitted)
                {
                    LockSupport.parkNanos(1_000_000);
                }
            }, "flat-out-producer-" + p);
            threads[p].start();
        }
        while (System.nanoTime() < warmEnd)
        {
            LockSupport.parkNanos(1_000_000);
        }
        acceptedAtWarmEnd.set(accepted.get());
        final long measuredFrom = System.nanoTime();
        while (System.nanoTime() < end)
        {
            LockSupport.parkNanos(1_000_000);
        }
        final long acceptedAtEnd = accepted.get();
        final double rate = (acceptedAtEnd - acceptedAtWarmEnd.get()) / ((System.nanoTime() - measuredFrom) / 1e9);
        for (final Thread t : threads)
        {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (failed.get() > 0)
        {
            throw new IllegalStateException(failed.get() + " commands were not accepted flat out");
        }
        return rate;
    }

    /** The open-loop floor: a bare MULTI-producer ring with a Blocking consumer that completes each submission. */
    static OpenLoop.Result bareRing(final double rate, final double warmup, final double seconds) throws Exception
    {
        final EventTranslatorOneArg<Slot, OpenLoop.Completion> translator = (slot, seq, done) -> slot.done = done;
        final Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 1 << 16, r -> new Thread(r, "bare-ring-consumer"),
            ProducerType.MULTI, new BlockingWaitStrategy());
        disruptor.handleEventsWith((slot, seq, endOfBatch) ->
        {
            final OpenLoop.Completion done = slot.done;
            slot.done = null;
            done.completed(true);
        });
        final RingBuffer<Slot> ring = disruptor.start();
        try
        {
            return OpenLoop.run(done ->
            {
                if (!ring.tryPublishEvent(translator, done))
                {
                    done.completed(false);
                }
            }, rate, warmup, seconds);
        }
        finally
        {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        }
    }

    /** A slot of the bare ring. */
    static final class Slot
    {
        OpenLoop.Completion done;
    }
}
