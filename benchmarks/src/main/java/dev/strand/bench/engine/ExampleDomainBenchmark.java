package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.BenchFlags;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.examples.orders.ItemModule;
import dev.strand.examples.orders.OrderModule;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The order-inventory example (SPI v2 records, derived codecs, a decision across three aggregate types) through the
 * whole engine: one operation is a {@code PlaceOrder} of two lines (reading two items and an account; four events on
 * three aggregates in one commit) and then its {@code ConfirmOrder} (three events), each awaited: two commands, seven
 * events. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} / 2 is the process's bytes per command; each
 * iteration also prints the bytes per command of the engine's threads and of the submitter (ingress).
 *
 * <p>Setup: {@code durability=async}, 1,000 items with ample stock, 1,000 accounts with ample money. Self-check:
 * every command must be accepted, and the journal must end where the accepted commands put it.
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
public class ExampleDomainBenchmark
{
    static final int ITEMS = 1_000;
    static final int ACCOUNTS = 1_000;
    static final long STOCK = 1L << 40;
    static final long MONEY = 1L << 50;
    private static final MapFieldReader CONFIRM = new MapFieldReader(Map.of());

    private Engine engine;
    private final Waiter waiter = new Waiter();
    private final String[] items = new String[ITEMS];
    private final String[] accounts = new String[ACCOUNTS];
    private long orders;
    private long commandsBefore;
    private Map<String, Long> threadsBefore;
    private long submitterBefore;
    private long accepted;

    @Setup(Level.Trial)
    public void start() throws Exception
    {
        final Path dir = BenchDirs.newDir("strand-example-");
        engine = Engine.start(EngineFixture.config(dir, Durability.ASYNC)
            .modules(List.of(new LedgerModule(), new ItemModule(), new OrderModule())).build());
        final List<Command> setup = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++)
        {
            items[i] = String.format(Locale.ROOT, "sku-%04d", i);
            setup.add(engine.newCommand(null, "AddStock", items[i], Command.ANY_VERSION, null,
                new MapFieldReader(Map.of("quantity", STOCK))));
        }
        for (int i = 0; i < ACCOUNTS; i++)
        {
            accounts[i] = String.format(Locale.ROOT, "acc-%04d", i);
            setup.add(engine.newCommand(null, "OpenAccount", accounts[i], Command.ANY_VERSION, null,
                new MapFieldReader(Map.of("owner", accounts[i]))));
            setup.add(engine.newCommand(null, "Deposit", accounts[i], Command.ANY_VERSION, null,
                new MapFieldReader(Map.of("amount", MONEY))));
        }
        final CompletableFuture<BatchResult> done = new CompletableFuture<>();
        engine.submitBatch(setup, true, done::complete);
        done.get(600, TimeUnit.SECONDS);
        if (engine.journalPosition() != ITEMS + 2L * ACCOUNTS)
        {
            throw new IllegalStateException("setup journaled " + engine.journalPosition() + " events");
        }
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        try
        {
            final long expected = ITEMS + 2L * ACCOUNTS + orders * 7;
            if (accepted != orders * 2 || engine.journalPosition() != expected)
            {
                throw new IllegalStateException("journal at " + engine.journalPosition() + ", expected " + expected +
                    " after " + orders + " orders (" + accepted + " commands accepted)");
            }
        }
        finally
        {
            engine.close();
        }
    }

    @Setup(Level.Iteration)
    public void markIteration()
    {
        threadsBefore = ThreadAllocation.snapshot(AllocationBenchmark.ENGINE_THREADS);
        submitterBefore = ThreadAllocation.current();
        commandsBefore = accepted;
    }

    @TearDown(Level.Iteration)
    public void reportIteration()
    {
        final long n = accepted - commandsBefore;
        if (n == 0)
        {
            return;
        }
        final StringBuilder sb = new StringBuilder("\n  bytes per command by thread:");
        final Map<String, Long> after = ThreadAllocation.snapshot(AllocationBenchmark.ENGINE_THREADS);
        for (final Map.Entry<String, Long> e : after.entrySet())
        {
            sb.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), (e.getValue() - threadsBefore.get(e.getKey())) / (double)n));
        }
        sb.append(String.format(Locale.ROOT, " submitter(ingress)=%.1f", (ThreadAllocation.current() - submitterBefore) / (double)n));
        System.out.println(sb);
    }

    private CommandResult run(final Command command)
    {
        waiter.arm();
        engine.submit(command, waiter);
        final CommandResult r = waiter.awaitAccepted();
        accepted++;
        return r;
    }

    @Benchmark
    public long placeAndConfirm()
    {
        final long n = orders++;
        final String order = "ord-" + n;
        final Map<String, Object> a = Map.of("item", items[(int)(n % ITEMS)], "quantity", 2L, "unitPrice", 150L);
        final Map<String, Object> b = Map.of("item", items[(int)((n * 7 + 1) % ITEMS)], "quantity", 1L, "unitPrice", 99L);
        run(engine.newCommand(null, "PlaceOrder", order, Command.ANY_VERSION, null, new MapFieldReader(
            Map.of("account", accounts[(int)(n % ACCOUNTS)], "lines", List.of(a, b)))));
        return run(engine.newCommand(null, "ConfirmOrder", order, Command.ANY_VERSION, null, CONFIRM)).position();
    }
}
