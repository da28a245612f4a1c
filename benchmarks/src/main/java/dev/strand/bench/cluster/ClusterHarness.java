package dev.strand.bench.cluster;

import dev.strand.bench.baseline.BareClusterClient;
import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.Cli;
import dev.strand.bench.support.UnitConverters;
import dev.strand.cluster.ClusterClient;
import dev.strand.cluster.ClusterMembers;
import dev.strand.cluster.ClusterNodeConfig;
import dev.strand.engine.api.EngineConfig;
import io.aeron.driver.MediaDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Strand's cluster against a bare Aeron cluster, in one run (issue 11's figures):
 * <ol>
 * <li><b>closed-loop throughput</b>, {@code --rounds} alternating rounds (bare, Strand, bare, Strand, ...): three
 * members started afresh for each round (in this JVM, or each in a child JVM with {@code --members child}), one client
 * on its own media driver, {@code --in-flight} messages unanswered at all times for {@code --seconds} after
 * {@code --warmup}. The bare cluster runs {@code BareLedgerService} (a balance map, a fixed-size message, an echo
 * reply) with every Aeron setting read from {@link ClusterNodeConfig}'s defaults; Strand runs three
 * {@code ClusterNode}s (the product's defaults, periodic snapshots off) and its {@code ClusterClient}, Deposit
 * commands over {@code --accounts} ledger accounts. Printed: messages/s per round, the CPU used meanwhile, the
 * medians, the spreads and the Strand/bare ratio (of the medians, and the median of the per-round ratios);</li>
 * <li><b>idle CPU per member</b> (unless {@code --idle-seconds 0}): each member in a child JVM of its own, the
 * client in this one; after the accounts were set up and {@code 3 s} of rest, the CPU time of each member's JVM over
 * {@code --idle-seconds}, for a bare cluster, a Strand cluster and, as the floor, one JVM that started nothing.</li>
 * </ol>
 * Every reply is checked (bare: order and balance; Strand: accepted, not a replay, one event); a round with a failure
 * makes the exit status 1.
 *
 * <pre>benchmarks/run-harness ClusterHarness [--rounds 5] [--seconds 10s] [--warmup 3s] [--in-flight 256]
 *     [--accounts 1000] [--message-bytes 112] [--members in-process|child] [--idle-seconds 10s]</pre>
 */
@Command(name = "ClusterHarness", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Strand's cluster (ClusterNode x3 + ClusterClient) against a bare Aeron cluster with the same settings.")
public final class ClusterHarness implements Callable<Integer>
{
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long SETTLE_NS = TimeUnit.SECONDS.toNanos(3);

    private Map<String, Long> clientThreads = Map.of();
    private String clientThreadsLine = "";

    private ClusterHarness()
    {
    }

    /** Where the members of a throughput round run. */
    enum Topology
    {
        IN_PROCESS, CHILD
    }

    @Option(names = "--rounds", defaultValue = "5", converter = UnitConverters.IntCount.class,
        description = "alternating rounds of each kind; default ${DEFAULT-VALUE}")
    int rounds;
    @Option(names = "--warmup-rounds", defaultValue = "1", converter = UnitConverters.IntCount.class,
        description = "rounds of each kind run first and left out (the JIT warms up both); default ${DEFAULT-VALUE}")
    int warmupRounds;
    @Option(names = "--seconds", defaultValue = "10s", converter = UnitConverters.Seconds.class,
        description = "measured time of each round; default ${DEFAULT-VALUE}")
    double seconds;
    @Option(names = "--warmup", defaultValue = "3s", converter = UnitConverters.Seconds.class,
        description = "closed loop before the measured time of each round; default ${DEFAULT-VALUE}")
    double warmup;
    @Option(names = "--in-flight", defaultValue = "256", converter = UnitConverters.IntCount.class,
        description = "messages unanswered at all times; default ${DEFAULT-VALUE}")
    int inFlight;
    @Option(names = "--accounts", defaultValue = "1000", converter = UnitConverters.IntCount.class,
        description = "accounts the messages go round; default ${DEFAULT-VALUE}")
    int accounts;
    @Option(names = "--message-bytes", defaultValue = "112", converter = UnitConverters.IntCount.class,
        description = "the bare cluster's message (and reply) size; 112 is a Strand single-Deposit message's; " +
            "default ${DEFAULT-VALUE}")
    int messageBytes;
    @Option(names = "--members", defaultValue = "in-process", converter = TopologyConverter.class,
        description = "where the members of a throughput round run: in-process (this JVM) or child (a JVM each); " +
            "default ${DEFAULT-VALUE}")
    Topology topology;
    @Option(names = "--kinds", defaultValue = "bare,strand", split = ",", converter = KindConverter.class,
        description = "what each throughput round runs, in order (bare, strand); default ${DEFAULT-VALUE}")
    List<MemberSetup.Kind> kinds;
    @Option(names = "--idle-seconds", defaultValue = "10s", converter = UnitConverters.Seconds.class,
        description = "idle interval of the idle-CPU step (0: skip it); default ${DEFAULT-VALUE}")
    double idleSeconds;
    @Option(names = "--idempotency-window", converter = UnitConverters.IntCount.class,
        description = "the Strand members' idempotency window (accepted command ids remembered); default the " +
            "engine's, 1,000,000")
    int idempotencyWindow = EngineConfig.IDEMPOTENCY_WINDOW.defaultValue();
    @Option(names = "--member-heap", defaultValue = "1g",
        description = "-Xms/-Xmx of each member's child JVM; default ${DEFAULT-VALUE}")
    String memberHeap;

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("ClusterHarness", new ClusterHarness(), args));
    }

    /** "in-process" or "child". */
    static final class TopologyConverter implements picocli.CommandLine.ITypeConverter<Topology>
    {
        @Override
        public Topology convert(final String text)
        {
            return switch (text.toLowerCase(Locale.ROOT))
            {
                case "in-process" -> Topology.IN_PROCESS;
                case "child" -> Topology.CHILD;
                default -> throw new picocli.CommandLine.TypeConversionException("must be in-process or child: " + text);
            };
        }
    }

    /** "bare" or "strand". */
    static final class KindConverter implements picocli.CommandLine.ITypeConverter<MemberSetup.Kind>
    {
        @Override
        public MemberSetup.Kind convert(final String text)
        {
            return switch (text.toLowerCase(Locale.ROOT))
            {
                case "bare" -> MemberSetup.Kind.BARE;
                case "strand" -> MemberSetup.Kind.STRAND;
                default -> throw new picocli.CommandLine.TypeConversionException("must be bare or strand: " + text);
            };
        }
    }

    /** One throughput round's result. */
    record Round(int number, MemberSetup.Kind kind, double perSecond, long replies, double seconds, long failures, double cpuCores,
        int leader, String leaderChange)
    {
    }

    @Override
    public Integer call() throws Exception
    {
        if (rounds < 1 || seconds <= 0 || inFlight < 1 || accounts < 1)
        {
            throw new IllegalArgumentException("--rounds, --seconds, --in-flight and --accounts must be positive");
        }
        printSettings();
        final List<Round> bare = new ArrayList<>();
        final List<Round> strand = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%n== closed loop, %d in flight, one client, %.0f s measured after %.0f s " +
            "warm-up per round, members %s, %d alternating rounds after %d left out%n", inFlight, seconds,
            warmup, topology == Topology.IN_PROCESS ? "in this JVM (with the client)" : "in a child JVM each (client here)",
            rounds, warmupRounds);
        System.out.printf(Locale.ROOT, "%-6s %-7s %14s %10s %10s %8s %10s  %s%n", "round", "kind", "messages/s",
            "replies", "failures", "leader", "CPU cores", "leader changes");
        boolean failed = false;
        for (int r = 1 - warmupRounds; r <= rounds; r++)
        {
            for (final MemberSetup.Kind kind : kinds)
            {
                final Round round;
                try
                {
                    round = throughputRound(r, kind);
                }
                catch (final Exception ex)
                {
                    failed |= r > 0;
                    System.out.printf(Locale.ROOT, "%-6s %-7s round failed, left out of the medians: %s%n", r,
                        kind.label(), ex);
                    continue;
                }
                if (r > 0)
                {
                    (kind == MemberSetup.Kind.BARE ? bare : strand).add(round);
                    failed |= round.failures() > 0;
                }
                System.out.printf(Locale.ROOT, "%-6s %-7s %,14.0f %,10d %10d %8d %10.2f  %s%n", r > 0 ? Integer.toString(r) :
                    "warm-up", kind.label(),
                    round.perSecond(), round.replies(), round.failures(), round.leader(), round.cpuCores(),
                    round.leaderChange());
            }
        }
        summarise(bare, strand);
        if (idleSeconds > 0)
        {
            idleCpu();
        }
        System.out.printf(Locale.ROOT, "%nload average at the end: %s%n", loadAverage());
        return failed ? 1 : 0;
    }

    private void printSettings()
    {
        final ClusterNodeConfig c = MemberSetup.nodeConfig(ClusterMembers.parse("0=127.0.0.1:1,1=127.0.0.1:11,2=127.0.0.1:21"),
            0, Path.of("unused"), idempotencyWindow);
        final EngineConfig e = c.engine();
        System.out.printf(Locale.ROOT, "cluster settings (ClusterNodeConfig defaults, both kinds): idle %s, driver and " +
                "archive SHARED, log term %d KiB, client terms %d KiB, other terms %d KiB, archive segments %d MiB, " +
                "file sync level %d, heartbeat %d/%d ms, election %d ms%n", c.idleStrategy(), c.logTermLength() >> 10,
            c.clientTermLength() >> 10, c.otherTermLength() >> 10, c.archiveSegmentLength() >> 20, c.fileSyncLevel(),
            TimeUnit.NANOSECONDS.toMillis(c.heartbeatIntervalNs()), TimeUnit.NANOSECONDS.toMillis(c.heartbeatTimeoutNs()),
            TimeUnit.NANOSECONDS.toMillis(c.electionTimeoutNs()));
        System.out.printf(Locale.ROOT, "Strand members: engine defaults (durability %s, idempotency window %,d), ledger " +
                "module, periodic snapshots off; bare members: BareLedgerService, %d-byte messages and echo replies%n",
            e.durability().name().toLowerCase(Locale.ROOT), e.idempotencyWindow(), messageBytes);
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, load average at the start: %s%n",
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadAverage());
    }

    private Round throughputRound(final int number, final MemberSetup.Kind kind) throws Exception
    {
        System.gc();
        final Path root = BenchDirs.newDir("cluster-" + kind.label() + "-");
        final ClusterMembers spec = MemberSetup.loopbackMembers(3);
        final long[] cpu = new long[2];
        final long[] memberCpu = new long[3];
        try (Members members = topology == Topology.IN_PROCESS ? Members.inProcess(kind, spec, root, idempotencyWindow) :
            Members.children(kind, spec, root, memberHeap, idempotencyWindow);
            MediaDriver driver = MemberSetup.clientDriver(root.resolve("client-aeron")))
        {
            final ClusterClient.Config config = ClusterClient.Config.defaults(driver.aeronDirectoryName(), spec);
            final Runnable atStart = () ->
            {
                cpu[0] = processCpuNanos();
                System.arraycopy(members.cpuNanos(), 0, memberCpu, 0, 3);
            };
            final Runnable atEnd = () ->
            {
                cpu[1] = processCpuNanos() - cpu[0];
                final long[] now = members.cpuNanos();
                for (int i = 0; i < 3; i++)
                {
                    cpu[1] += now[i] < 0 ? 0 : now[i] - memberCpu[i];
                }
            };
            final BareClusterClient.Loop loop;
            final int leader;
            final String change;
            if (kind == MemberSetup.Kind.BARE)
            {
                try (BareClusterClient client = BareClusterClient.connect(config, messageBytes, accounts, CONNECT_TIMEOUT_NS))
                {
                    client.send(accounts, inFlight, TimeUnit.SECONDS.toNanos(30));
                    final int first = client.leaderMemberId();
                    loop = client.closedLoop(inFlight, nanos(warmup), nanos(seconds), atStart, atEnd);
                    leader = client.leaderMemberId();
                    change = client.leaderChanges() == 0 ? "none" : client.leaderChanges() + " NEW_LEADER (first " +
                        first + "): messages in flight lost";
                }
            }
            else
            {
                try (StrandLoad client = StrandLoad.connect(config, accounts, CONNECT_TIMEOUT_NS))
                {
                    final int first = client.leaderMemberId();
                    loop = client.closedLoop(inFlight, nanos(warmup), nanos(seconds), atStart, atEnd);
                    leader = client.leaderMemberId();
                    change = client.resent() == 0 && leader == first ? "none" : "leader " + first + " -> " + leader +
                        ", " + client.resent() + " re-sent, " + client.replays() + " answered as replays";
                    if (client.firstFailure() != null)
                    {
                        System.out.println("  first failure: " + client.firstFailure());
                    }
                }
            }
            return new Round(number, kind, loop.perSecond(), loop.replies(), loop.seconds(), loop.failures(),
                cpu[1] / 1e9 / loop.seconds(), leader, change);
        }
        finally
        {
            BenchDirs.delete(root);
        }
    }

    private void summarise(final List<Round> bare, final List<Round> strand)
    {
        for (final List<Round> kind : List.of(bare, strand))
        {
            if (!kind.isEmpty())
            {
                final double[] v = kind.stream().mapToDouble(Round::perSecond).toArray();
                System.out.printf(Locale.ROOT, "%n%-6s median %,.0f messages/s (%,.0f-%,.0f), CPU %.2f cores",
                    kind.get(0).kind().label(), median(v), min(v), max(v),
                    median(kind.stream().mapToDouble(Round::cpuCores).toArray()));
            }
        }
        System.out.println();
        if (bare.isEmpty() || strand.isEmpty())
        {
            return;
        }
        final double[] b = bare.stream().mapToDouble(Round::perSecond).toArray();
        final double[] s = strand.stream().mapToDouble(Round::perSecond).toArray();
        // per-round ratios pair the rounds both kinds completed
        final List<Double> paired = new ArrayList<>();
        for (final Round sr : strand)
        {
            bare.stream().filter(br -> br.number() == sr.number()).findFirst()
                .ifPresent(br -> paired.add(sr.perSecond() / br.perSecond()));
        }
        final double[] ratios = paired.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf(Locale.ROOT, "strand/bare: ratio of the medians %.2fx; per-round ratios %s, median %.2fx " +
            "(goal >= 0.5x)%n", median(s) / median(b), Arrays.toString(Arrays.stream(ratios)
            .mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toArray()), median(ratios));
    }

    private void idleCpu() throws Exception
    {
        System.out.printf(Locale.ROOT, "%n== idle CPU, %% of one core over %.0f s, each member in a child JVM of its own " +
            "(-Xmx%s), the client in this JVM; after the %d accounts were set up and %.0f s of rest%n", idleSeconds,
            memberHeap, accounts, SETTLE_NS / 1e9);
        System.out.printf(Locale.ROOT, "%-7s %10s %10s %10s %10s %8s %12s%n", "kind", "member 0", "member 1", "member 2",
            "members", "leader", "client JVM");
        for (final MemberSetup.Kind kind : List.of(MemberSetup.Kind.NONE, MemberSetup.Kind.BARE, MemberSetup.Kind.STRAND))
        {
            idleRound(kind);
        }
    }

    private void idleRound(final MemberSetup.Kind kind) throws Exception
    {
        System.gc();
        final Path root = BenchDirs.newDir("cluster-idle-" + kind.label() + "-");
        final ClusterMembers spec = MemberSetup.loopbackMembers(kind == MemberSetup.Kind.NONE ? 1 : 3);
        final long idleNs = nanos(idleSeconds);
        try (Members members = Members.children(kind, spec, root, memberHeap, idempotencyWindow))
        {
            if (kind == MemberSetup.Kind.NONE)
            {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(SETTLE_NS));
                final long[] before = members.cpuNanos();
                final long start = System.nanoTime();
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(idleNs));
                final double wall = System.nanoTime() - start;
                System.out.printf(Locale.ROOT, "%-7s %9.1f%% %10s %10s %10s %8s %12s   (a JVM that started nothing)%n",
                    kind.label(), 100 * (members.cpuNanos()[0] - before[0]) / wall, "", "", "", "", "");
                return;
            }
            try (MediaDriver driver = MemberSetup.clientDriver(root.resolve("client-aeron")))
            {
                final ClusterClient.Config config = ClusterClient.Config.defaults(driver.aeronDirectoryName(), spec);
                final long[][] cpu = new long[2][];
                final long[] own = new long[2];
                final long[] wall = new long[2];
                final int leader;
                if (kind == MemberSetup.Kind.BARE)
                {
                    try (BareClusterClient client = BareClusterClient.connect(config, messageBytes, accounts, CONNECT_TIMEOUT_NS))
                    {
                        client.send(accounts, inFlight, TimeUnit.SECONDS.toNanos(30));
                        client.idleFor(SETTLE_NS);
                        sample(members, cpu, own, wall, 0);
                        client.idleFor(idleNs);
                        sample(members, cpu, own, wall, 1);
                        leader = client.leaderMemberId();
                    }
                }
                else
                {
                    try (StrandLoad client = StrandLoad.connect(config, accounts, CONNECT_TIMEOUT_NS))
                    {
                        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(SETTLE_NS));
                        sample(members, cpu, own, wall, 0);
                        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(idleNs));
                        sample(members, cpu, own, wall, 1);
                        leader = client.leaderMemberId();
                    }
                }
                final double w = wall[1] - wall[0];
                final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-7s", kind.label()));
                long total = 0;
                for (int i = 0; i < 3; i++)
                {
                    final long used = cpu[1][i] - cpu[0][i];
                    total += used;
                    line.append(String.format(Locale.ROOT, " %9.1f%%", 100 * used / w));
                }
                line.append(String.format(Locale.ROOT, " %9.1f%% %8d %11.1f%%", 100 * total / w, leader,
                    100 * (own[1] - own[0]) / w));
                System.out.println(line);
                System.out.println(clientThreadsLine);
            }
        }
        finally
        {
            BenchDirs.delete(root);
        }
    }

    private void sample(final Members members, final long[][] cpu, final long[] own, final long[] wall, final int at)
    {
        wall[at] = System.nanoTime();
        own[at] = processCpuNanos();
        cpu[at] = members.cpuNanos();
        final Map<String, Long> threads = threadCpu();
        if (at == 0)
        {
            clientThreads = threads;
        }
        else
        {
            final StringBuilder line = new StringBuilder("  client JVM threads:");
            for (final Map.Entry<String, Long> e : threads.entrySet())
            {
                final double share = 100.0 * (e.getValue() - clientThreads.getOrDefault(e.getKey(), 0L)) / (wall[1] - wall[0]);
                if (share >= 0.5)
                {
                    line.append(String.format(Locale.ROOT, " %s %.1f%%", e.getKey(), share));
                }
            }
            clientThreadsLine = line.toString();
        }
    }

    /** CPU time of this JVM's live threads by name (same-named threads summed), ns. */
    private static Map<String, Long> threadCpu()
    {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final Map<String, Long> cpu = new TreeMap<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            final long ns = mx.getThreadCpuTime(t.getId());
            if (ns > 0)
            {
                cpu.merge(t.getName().replaceAll("/tmp/cluster-[^ ]*/", ""), ns, Long::sum);
            }
        }
        return cpu;
    }

    private static long nanos(final double seconds)
    {
        return (long)(seconds * 1e9);
    }

    private static long processCpuNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage()
    {
        try
        {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final Exception ex)
        {
            return "unknown";
        }
    }

    static double median(final double[] values)
    {
        final double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(final double[] values)
    {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
