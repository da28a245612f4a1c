package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.BenchFlags;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.SnapshotSummary;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Snapshots of {@code accounts} ledger accounts (default 1,000,000), {@link Mode#SingleShotTime}:
 * <ul>
 * <li>{@code write}: {@code engine.takeSnapshot()} until its future completes (the snapshot is taken off the
 * write path, from the snapshotter's copy of the state, written to a temp file, fsynced and renamed); prints the
 * file size.</li>
 * <li>{@code startFromSnapshot}: {@code Engine.start} on a data directory whose newest snapshot is at the journal's
 * end: the load time (the writer, the read model and the snapshotter each load it), with nothing to replay.</li>
 * </ul>
 * Self-check: the snapshot must be at the journal's last position; the restarted engine must stand there.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {
    BenchFlags.ADD_EXPORTS_REF, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_JAVAC,
    BenchFlags.ADD_EXPORTS_INTERNAL_MISC,
    BenchFlags.ADD_OPENS_JAVAC, BenchFlags.ADD_OPENS_LANG, BenchFlags.ADD_OPENS_REFLECT, BenchFlags.ADD_OPENS_IO,
    BenchFlags.ADD_OPENS_UTIL, BenchFlags.ADD_OPENS_NIO, BenchFlags.NO_ANALYTICS, BenchFlags.NO_ANNOUNCER,
    "-Xms6g", "-Xmx6g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SnapshotBenchmark
{
    @Param("1000000")
    public int accounts;

    private EngineFixture fixture;
    private Path dir;
    private EngineConfig config;
    private Engine restarted;
    private long position;

    /** Builds the accounts; {@code write} keeps the engine running, {@code startFromSnapshot} closes it. */
    @Setup(Level.Trial)
    public void build()
    {
        fixture = EngineFixture.start(Durability.ASYNC, accounts);
        position = fixture.engine().journalPosition();
        dir = fixture.dir();
        config = EngineFixture.config(dir, Durability.ASYNC).build();
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        if (fixture != null)
        {
            fixture.engine().close();
        }
        BenchDirs.delete(dir);
    }

    @Benchmark
    public SnapshotSummary write() throws InterruptedException, ExecutionException, TimeoutException
    {
        final SnapshotSummary s = fixture.engine().takeSnapshot().get(10, TimeUnit.MINUTES);
        if (s.position() != position)
        {
            throw new IllegalStateException("snapshot at " + s.position() + ", journal at " + position);
        }
        System.out.printf(Locale.ROOT, "%n  snapshot of %,d accounts: %,d bytes (%.1f per account), %,d us as the engine timed it%n",
            accounts, s.sizeBytes(), (double)s.sizeBytes() / accounts, s.durationMicros());
        return s;
    }

    /** For {@code startFromSnapshot}: a snapshot at the end, and the engine closed. */
    @Setup(Level.Iteration)
    public void prepareRestart(final org.openjdk.jmh.infra.BenchmarkParams params)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        if (!params.getBenchmark().endsWith("startFromSnapshot") || fixture == null)
        {
            return;
        }
        final SnapshotSummary s = fixture.engine().takeSnapshot().get(10, TimeUnit.MINUTES);
        if (s.position() != position)
        {
            throw new IllegalStateException("snapshot at " + s.position() + ", journal at " + position);
        }
        fixture.closeKeepingData();
        fixture = null;
    }

    @Benchmark
    public Engine startFromSnapshot()
    {
        restarted = Engine.start(config);
        return restarted;
    }

    @TearDown(Level.Invocation)
    public void closeRestarted()
    {
        if (restarted == null)
        {
            return;
        }
        try
        {
            final List<SnapshotSummary> snapshots = restarted.snapshots();
            if (restarted.journalPosition() != position || snapshots.isEmpty() || snapshots.get(0).position() != position)
            {
                throw new IllegalStateException("restarted at " + restarted.journalPosition() + " with snapshots " + snapshots);
            }
        }
        finally
        {
            restarted.close();
            restarted = null;
        }
    }
}
