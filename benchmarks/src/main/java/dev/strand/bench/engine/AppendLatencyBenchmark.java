package dev.strand.bench.engine;

import dev.strand.bench.support.BenchFlags;
import dev.strand.engine.api.CommandResult;
import dev.strand.journal.Durability;
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

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The gated figure: one ledger {@code Deposit} built at ingress ({@code newCommand}), submitted, and waited for until
 * the engine has journaled it and called back: {@link Mode#SampleTime}, so JMH reports P50/P90/P99/P99.9. One
 * submitting thread, no competing load, periodic snapshots off, 10,000 accounts, the engine's default ring and wait
 * strategy. {@code durability=sync} msyncs once per Disruptor batch, which with one waiting producer is every command.
 *
 * <p>The baseline in the same run is {@code DisruptorHandoffBaseline.handoffRoundTrip}: the same publish-and-park
 * shape through a bare ring, so the ratio is what deciding, journaling and completing add to the thread hand-offs.
 *
 * <p>Self-check: every command must be accepted, and at tear-down the journal must end at exactly the position
 * the accepted commands account for.
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
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AppendLatencyBenchmark
{
    /** Accounts the Deposits go round. */
    public static final int ACCOUNTS = 10_000;

    @Param({"async", "sync"})
    public String durability;

    private EngineFixture fixture;
    private String[] accounts;
    private final Waiter waiter = new Waiter();
    private int next;
    private long accepted;
    private long startPosition;

    @Setup(Level.Trial)
    public void start()
    {
        fixture = EngineFixture.start(Durability.valueOf(durability.toUpperCase(Locale.ROOT)), ACCOUNTS);
        accounts = fixture.accounts();
        startPosition = fixture.engine().journalPosition();
        if (startPosition != ACCOUNTS)
        {
            throw new IllegalStateException("after opening " + ACCOUNTS + " accounts the journal is at " + startPosition);
        }
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        try
        {
            final long position = fixture.engine().journalPosition();
            if (position != startPosition + accepted)
            {
                throw new IllegalStateException(
                    "journal at " + position + " but " + accepted + " Deposits were accepted after position " + startPosition);
            }
        }
        finally
        {
            fixture.close();
        }
    }

    @Benchmark
    public long submitAndAwait()
    {
        final String account = accounts[next];
        next = next + 1 == accounts.length ? 0 : next + 1;
        waiter.arm();
        fixture.engine().submit(fixture.deposit(account), waiter);
        final CommandResult result = waiter.awaitAccepted();
        accepted++;
        return result.position();
    }
}
