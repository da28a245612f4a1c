package dev.strand.bench.baseline;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.BenchFlags;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Baseline: one thread appending fixed-size records to a raw Chronicle Queue, no checksum, no ring, no engine.
 * This is the physical limit of the journal on this machine; the engine's figures are reported as ratios to it.
 *
 * <p>Setup: {@code recordBytes} defaults to the journal's commit record of one ledger {@code Deposited} event, 142
 * bytes (journal/README.md's layout: 16 commit header + 36 event header + 70 of strings with an engine-generated
 * UUID command id + 16 payload + 4 CRC; the engine throughput benchmark prints the measured bytes per event, 146
 * with Chronicle's 4-byte excerpt header, which both sides pay), roll cycle {@code FAST_DAILY} as the engine's default, a fresh queue
 * per trial under {@code -Dstrand.bench.dir} (default java.io.tmpdir, the ext4 disk here). No pre-allocation:
 * first touches of a page of the memory-mapped file pay the file system's block allocation, as a raw queue does.
 *
 * <p>Self-check: at tear-down every record appended is read back and counted, and its length checked.
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
public class ChronicleAppendBaseline
{
    /** Bytes per record: the size of a journaled ledger Deposited event. */
    @Param("142")
    public int recordBytes;

    private Path dir;
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    private Bytes<?> record;
    private long appended;

    @Setup(Level.Trial)
    public void open()
    {
        dir = BenchDirs.newDir("chronicle-baseline-");
        queue = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).build();
        appender = queue.createAppender();
        record = Bytes.allocateDirect(recordBytes);
        for (int i = 0; i < recordBytes; i++)
        {
            record.writeByte((byte)('a' + i % 26));
        }
        appended = 0;
    }

    @TearDown(Level.Trial)
    public void verifyAndClose()
    {
        try
        {
            long read = 0;
            try (ExcerptTailer tailer = queue.createTailer())
            {
                while (true)
                {
                    try (DocumentContext dc = tailer.readingDocument())
                    {
                        if (!dc.isPresent())
                        {
                            break;
                        }
                        final long length = dc.wire().bytes().readRemaining();
                        if (length != recordBytes)
                        {
                            throw new IllegalStateException("record " + read + " has " + length + " bytes, wrote " + recordBytes);
                        }
                        read++;
                    }
                }
            }
            if (read != appended)
            {
                throw new IllegalStateException("appended " + appended + " records but read back " + read);
            }
        }
        finally
        {
            appender.close();
            queue.close();
            record.releaseLast();
            BenchDirs.delete(dir);
        }
    }

    /** Appends one record; reported as records per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long appendThroughput()
    {
        return append();
    }

    /** Appends one record; the distribution of single-append times. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long appendLatency()
    {
        return append();
    }

    private long append()
    {
        record.readPosition(0);
        appender.writeBytes(record);
        return ++appended;
    }
}
