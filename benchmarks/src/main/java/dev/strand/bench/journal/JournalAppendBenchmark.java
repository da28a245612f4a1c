package dev.strand.bench.journal;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.BenchFlags;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalVerifier;
import dev.strand.journal.VerifyReport;
import org.agrona.concurrent.UnsafeBuffer;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Commits per second through {@link JournalAppender} on one thread, each commit one ledger {@code Deposited} event
 * (the engine's strings: aggregate type, an aggregate id of 10,000, the event type, a UUID command id that is also the
 * causation id; a 16-byte payload), {@code async} durability, pre-allocation on as the server runs it.
 *
 * <p>{@code chain} = {@code true}: format 3, each commit hashed into the chain (SHA-256 of the previous chain hash and
 * the record's bytes); {@code false}: the same appends in format 2, without the chain, as a build before it wrote
 * them. Both run in the same JMH run, so the ratio is the chain's cost on the appending thread; the baseline under
 * both is {@code ChronicleAppendBaseline.appendThroughput}.
 *
 * <p>{@code trace} = {@code true} (format 4 with the chain only: {@code -p chain=true -p trace=false,true}): every
 * event also carries a W3C traceparent (25 bytes in the record, parsed from its 55-character text at append), the
 * cost of a traced command on the appending thread; {@code false}: no trace context, as every command without a
 * {@code traceparent} header is written.
 *
 * <p>Self-check: at tear-down the journal must end at the number of commits made, and the verifier must walk it
 * without corruption, with the chain from position 1 when it is on and no chain when it is off.
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
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournalAppendBenchmark
{
    /** Accounts the events go to. */
    static final int ACCOUNTS = 10_000;
    /** Distinct command ids cycled through (allocated at setup, not per commit). */
    static final int COMMAND_IDS = 4_096;
    static final int PAYLOAD = 16;

    /** true: format 3 with the hash chain; false: format 2 without it. */
    @Param({"true", "false"})
    public boolean chain;

    /** true: every event carries a traceparent (needs {@code chain=true}); false: none. */
    @Param({"false"})
    public boolean trace;

    private Path dir;
    private Journal journal;
    private JournalAppender appender;
    private String[] accounts;
    private String[] commandIds;
    private String[] traceparents;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
    private long position;

    @Setup(Level.Trial)
    public void open()
    {
        if (trace && !chain)
        {
            throw new IllegalArgumentException("trace=true needs chain=true: format 2 holds no trace contexts");
        }
        dir = BenchDirs.newDir("journal-append-");
        journal = Journal.open(JournalConfig.builder(dir).minFreeBytes(0).unchainedForMeasurement(!chain).build());
        appender = journal.appender();
        accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++)
        {
            accounts[i] = "acc-" + i;
        }
        commandIds = new String[COMMAND_IDS];
        for (int i = 0; i < COMMAND_IDS; i++)
        {
            commandIds[i] = UUID.randomUUID().toString();
        }
        traceparents = new String[COMMAND_IDS];
        for (int i = 0; i < COMMAND_IDS; i++)
        {
            final UUID traceId = UUID.randomUUID();
            traceparents[i] = String.format("00-%016x%016x-%016x-01", traceId.getMostSignificantBits(),
                traceId.getLeastSignificantBits(), (long)i + 1);
        }
        position = 0;
    }

    @TearDown(Level.Trial)
    public void verifyAndClose()
    {
        try
        {
            if (journal.lastPosition() != position)
            {
                throw new IllegalStateException("journal at " + journal.lastPosition() + " after " + position + " commits");
            }
            journal.close();
            final VerifyReport report = JournalVerifier.verify(dir);
            if (report.isCorrupt() || report.lastPosition() != position || report.chainStart() != (chain ? 1 : 0))
            {
                throw new IllegalStateException("the journal does not verify: " + report.summary());
            }
            System.out.printf("%njournal: %d commits, %.1f record bytes per commit, chain %s, trace %s%n", position,
                (double)report.recordBytes() / position, chain ? "from position 1, head " + report.headHash() : "none",
                trace);
        }
        finally
        {
            journal.close();
            BenchDirs.delete(dir);
        }
    }

    /** One commit of one event. */
    @Benchmark
    public long commit()
    {
        final long p = ++position;
        final String commandId = commandIds[(int)(p & (COMMAND_IDS - 1))];
        payload.putLong(0, 100);
        payload.putLong(8, p);
        appender.begin();
        appender.add(p, "account", accounts[(int)(p % ACCOUNTS)], p, "Deposited", 1, 1_764_547_200_000_000L + p,
            commandId, null, commandId, 0x5EED_0000_0000_0000L | p,
            trace ? traceparents[(int)(p & (COMMAND_IDS - 1))] : null, payload, 0, PAYLOAD);
        appender.commit();
        return p;
    }
}
