package dev.strand.bench.engine;

import dev.strand.bench.support.Cli;
import dev.strand.bench.support.UnitConverters;
import dev.strand.journal.Durability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU an idle engine burns, per named thread: on 2 cores every idle-spinning or yielding thread takes time from the
 * event loops and the writer. Baseline in the same process: the JVM's CPU over the same interval before the engine
 * starts. Prints the share of one core each engine thread used while no command was submitted.
 *
 * <pre>benchmarks/run-harness IdleCpuHarness [seconds=10]</pre>
 */
@Command(name = "IdleCpuHarness", mixinStandardHelpOptions = true,
    description = "CPU an idle engine burns, per named thread, against the idle JVM before it starts.")
public final class IdleCpuHarness implements Callable<Integer>
{
    private IdleCpuHarness()
    {
    }

    @Parameters(index = "0", arity = "0..1", defaultValue = "10s", converter = UnitConverters.Seconds.class,
        paramLabel = "<seconds>", description = "each measured interval, e.g. 10s; default ${DEFAULT-VALUE}")
    double seconds;

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("IdleCpuHarness", new IdleCpuHarness(), args));
    }

    @Override
    public Integer call()
    {
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        final long baseline = cpuOver(os, seconds);
        System.out.printf(Locale.ROOT, "idle JVM before the engine: %.1f%% of one core%n", 100.0 * baseline / (seconds * 1e9));
        try (EngineFixture fixture = EngineFixture.start(Durability.ASYNC, 10_000))
        {
            LockSupport.parkNanos(2_000_000_000L);
            final Map<String, Long> before = threadCpu();
            final long process = cpuOver(os, seconds);
            final Map<String, Long> after = threadCpu();
            System.out.printf(Locale.ROOT, "idle engine (10,000 accounts, no commands): process %.1f%% of one core (%.1fx the idle JVM)%n",
                100.0 * process / (seconds * 1e9), (double)process / Math.max(1, baseline));
            for (final Map.Entry<String, Long> e : after.entrySet())
            {
                final long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                if (used > seconds * 1e9 * 0.005)
                {
                    System.out.printf(Locale.ROOT, "  thread %-28s %5.1f%% of one core%n", e.getKey(), 100.0 * used / (seconds * 1e9));
                }
            }
        }
        return 0;
    }

    private static long cpuOver(final com.sun.management.OperatingSystemMXBean os, final double seconds)
    {
        final long start = os.getProcessCpuTime();
        LockSupport.parkNanos((long)(seconds * 1e9));
        return os.getProcessCpuTime() - start;
    }

    private static Map<String, Long> threadCpu()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<String, Long> cpu = new LinkedHashMap<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            final long ns = threads.getThreadCpuTime(t.getId());
            if (ns > 0)
            {
                cpu.merge(t.getName(), ns, Long::sum);
            }
        }
        return cpu;
    }
}
