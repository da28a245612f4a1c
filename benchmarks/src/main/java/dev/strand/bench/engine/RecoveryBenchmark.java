package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.BenchFlags;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.journal.Durability;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Recovery by replay: the time {@code Engine.start} takes on a journal of {@code events} events (Deposits over
 * 10,000 accounts) with no snapshot, so every event is replayed ({@link Mode#SingleShotTime}; each iteration is
 * one start, closed again in the invocation's tear-down). Events replayed per second = {@code events} / score; each
 * iteration also prints it. {@code verify=true} is the default start (the journal's open walks every record and
 * checks its CRC before the replay); {@code verify=false} isolates the replay.
 *
 * <p>Baseline in the same run: {@code rawRead}, a Chronicle tailer reading every excerpt of the same journal files
 * (no checksum, no decoding, no state): the physical limit of a replay on this machine.
 *
 * <p>Self-check: the started engine must stand at the journal's last position; the raw read must find excerpts.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {
    BenchFlags.ADD_EXPORTS_REF, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_JAVAC,
    BenchFlags.ADD_EXPORTS_INTERNAL_MISC,
    BenchFlags.ADD_OPENS_JAVAC, BenchFlags.ADD_OPENS_LANG, BenchFlags.ADD_OPENS_REFLECT, BenchFlags.ADD_OPENS_IO,
    BenchFlags.ADD_OPENS_UTIL, BenchFlags.ADD_OPENS_NIO, BenchFlags.NO_ANALYTICS, BenchFlags.NO_ANNOUNCER,
    "-Xms4g", "-Xmx4g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RecoveryBenchmark
{
    static final int ACCOUNTS = 10_000;
    static final int BUILD_BATCH = 1_000;

    /** Events in the journal, accounts opened included. */
    @Param("1000000")
    public long events;

    @Param({"true", "false"})
    public boolean verify;

    private Path dir;
    private EngineConfig config;
    private Engine started;
    private long startNanos;

    @Setup(Level.Trial)
    public void buildJournal()
    {
        final EngineFixture fixture = EngineFixture.start(Durability.ASYNC, ACCOUNTS);
        fixture.depositInBatches(events - ACCOUNTS, BUILD_BATCH);
        final long end = fixture.engine().journalPosition();
        if (end != events)
        {
            throw new IllegalStateException("built a journal ending at " + end + ", wanted " + events);
        }
        dir = fixture.closeKeepingData();
        config = EngineFixture.config(dir, Durability.ASYNC).verifyOnOpen(verify).build();
    }

    @TearDown(Level.Trial)
    public void deleteJournal()
    {
        BenchDirs.delete(dir);
    }

    @Benchmark
    public Engine startByReplay()
    {
        startNanos = System.nanoTime();
        started = Engine.start(config);
        return started;
    }

    /** Baseline: reads every excerpt of the journal raw. */
    @Benchmark
    public long rawRead()
    {
        long excerpts = 0;
        long bytes = 0;
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(config.journalDir()).readOnly(true).build();
             ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    bytes += dc.wire().bytes().readRemaining();
                    excerpts++;
                }
            }
        }
        if (excerpts == 0)
        {
            throw new IllegalStateException("the journal has no excerpts");
        }
        return bytes;
    }

    @TearDown(Level.Invocation)
    public void stopAndCheck()
    {
        if (started == null)
        {
            return;
        }
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        try
        {
            final long position = started.journalPosition();
            if (position != events)
            {
                throw new IllegalStateException("recovered to position " + position + ", the journal ends at " + events);
            }
            System.out.printf(Locale.ROOT, "%n  replayed %,d events: %,.0f events/s (verify=%s, start to ready)%n",
                events, events / seconds, verify);
        }
        finally
        {
            started.close();
            started = null;
        }
    }
}
