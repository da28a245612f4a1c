package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.Cli;
import dev.strand.bench.support.UnitConverters;
import dev.strand.journal.Durability;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalRollCycle;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * What making a roll durable costs in {@code sync} durability: at a roll the group-commit flush also fsyncs the
 * cycle file left behind and the journal directory. Appends one 142-byte event per commit and flushes after each,
 * on a journal that rolls every second ({@code TEST_SECONDLY}), and reports the flushes that carried a roll beside
 * the ordinary ones of the same run.
 *
 * <pre>benchmarks/run-harness RollSyncHarness [seconds=20]</pre>
 */
@Command(name = "RollSyncHarness", mixinStandardHelpOptions = true,
    description = "What making a roll durable costs in sync durability: flushes with a roll against ordinary ones.")
public final class RollSyncHarness implements Callable<Integer>
{
    private static final int PAYLOAD = 142;

    private RollSyncHarness()
    {
    }

    @Parameters(index = "0", arity = "0..1", defaultValue = "20s", converter = UnitConverters.Seconds.class,
        paramLabel = "<seconds>", description = "how long to append, e.g. 20s; default ${DEFAULT-VALUE}")
    double seconds;

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("RollSyncHarness", new RollSyncHarness(), args));
    }

    @Override
    public Integer call() throws Exception
    {
        final Path dir = BenchDirs.newDir("roll-sync");
        final Histogram plain = new Histogram(3_600_000_000L, 3);
        final Histogram rolls = new Histogram(3_600_000_000L, 3);
        try (Journal journal = Journal.open(JournalConfig.builder(dir).durability(Durability.SYNC)
            .rollCycle(JournalRollCycle.TEST_SECONDLY).build()))
        {
            final JournalAppender appender = journal.appender();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long position = journal.lastPosition();
            while (System.nanoTime() < end)
            {
                position++;
                appender.begin();
                appender.add(position, "account", "acc-1", position, "Deposited", 1, position, null, null, null,
                    payload, 0, PAYLOAD);
                appender.commit();
                final long rollsBefore = journal.rollSyncs();
                final long start = System.nanoTime();
                appender.flush();
                final long took = System.nanoTime() - start;
                (journal.rollSyncs() != rollsBefore ? rolls : plain).recordValue(took);
            }
            System.out.printf(Locale.ROOT, "sync flush without a roll: %,d flushes, median %.0f us, P99 %.0f us%n",
                plain.getTotalCount(), plain.getValueAtPercentile(50) / 1e3, plain.getValueAtPercentile(99) / 1e3);
            System.out.printf(Locale.ROOT, "sync flush with a roll:    %,d flushes, median %.0f us, max %.0f us " +
                "(%.1fx the plain median); roll fsyncs alone: mean %.0f us%n", rolls.getTotalCount(),
                rolls.getValueAtPercentile(50) / 1e3, rolls.getMaxValue() / 1e3,
                (double)rolls.getValueAtPercentile(50) / Math.max(1, plain.getValueAtPercentile(50)),
                journal.rollSyncNanos() / 1e3 / Math.max(1, journal.rollSyncs()));
        }
        finally
        {
            BenchDirs.delete(dir);
        }
        return 0;
    }
}
