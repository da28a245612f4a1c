package dev.strand.bench.load;

import dev.strand.bench.support.Cli;
import dev.strand.bench.support.UnitConverters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every setting of the load generator, declared once as a picocli option (name, default, doc; {@code --help} is
 * generated from them). Parsed and validated once ({@link #parse}), read-only afterwards. Durations, rates and counts
 * go through the one parser of {@link dev.strand.config.Units}: {@code 30s}, {@code 500ms}, {@code 50k}.
 */
public final class LoadOptions
{
    /** What to do. */
    public enum Mode
    {
        /** One run at one rate. */
        RUN,
        /** Raise the rate step by step until the SLO breaks. */
        SWEEP
    }

    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    public final Mode mode;
    public final URI url;
    public final double rate;
    public final double durationSeconds;
    public final double warmupSeconds;
    public final int connections;
    public final int accounts;
    public final CommandMix.Weights mix;
    public final int batch;
    public final boolean atomicBatch;
    public final String apiKey;
    public final String apiKeyHeader;
    public final int subscribers;
    public final double timeoutSeconds;
    public final int maxInFlight;
    public final int clientThreads;
    public final double intervalSeconds;
    public final double progressSeconds;
    public final Path out;
    public final String accountPrefix;
    public final long funding;
    public final long seed;
    public final boolean skipSetup;
    public final double sloP99Millis;
    public final double maxErrorRatio;
    public final double sweepFrom;
    public final double sweepStep;
    public final double sweepFactor;
    public final double sweepTo;
    public final double stepDurationSeconds;
    public final double stepWarmupSeconds;
    public final double initialWarmupSeconds;

    /** The command line: picocli fills these, {@link LoadOptions#LoadOptions(Flags)} checks them. */
    @Command(name = "strand-bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        abbreviateSynopsis = true, version = "strand-bench (the Strand load generator)",
        description = {
            "Open-loop load generator for Strand (coordinated-omission corrected).",
            "run: one run at --rate for --duration after --warmup (default). sweep: runs --from, --from+--step (or " +
                "*--factor), ... up to --to; stops at the first step whose P99 exceeds --slo-p99 or whose error " +
                "ratio exceeds --max-error-ratio, and prints the highest passing rate."},
        footerHeading = "%nExit status:%n",
        footer = {"  0  done (a sweep found a sustainable rate)", "  1  the server could not be reached or set up",
            "  2  usage error", "  3  a run got no answer at all", "  4  a sweep whose first step already failed"})
    static final class Flags implements Callable<Integer>
    {
        @Parameters(index = "0", arity = "0..1", defaultValue = "run", paramLabel = "run|sweep", description = "what to do; default run")
        Mode mode;

        @Option(names = "--url", defaultValue = DEFAULT_URL, description = "server base URL; default ${DEFAULT-VALUE}")
        String url;
        @Option(names = "--rate", defaultValue = "1000", converter = UnitConverters.Count.class,
            description = "commands per second (open loop, fixed rate), e.g. 50k; default ${DEFAULT-VALUE}")
        double rate;
        @Option(names = "--duration", defaultValue = "30s", converter = UnitConverters.Seconds.class,
            description = "measured time, e.g. 30s, 2m; default ${DEFAULT-VALUE}")
        double duration;
        @Option(names = "--warmup", defaultValue = "10s", converter = UnitConverters.Seconds.class,
            description = "sent at the same rate before measuring; default ${DEFAULT-VALUE}")
        double warmup;
        @Option(names = "--connections", defaultValue = "32", converter = UnitConverters.IntCount.class,
            description = "HTTP/1.1 keep-alive connections; default ${DEFAULT-VALUE}")
        int connections;
        @Option(names = "--accounts", defaultValue = "10000", converter = UnitConverters.IntCount.class,
            description = "accounts the mix works over, opened first; default ${DEFAULT-VALUE}")
        int accounts;
        @Option(names = "--mix", defaultValue = "deposit=1",
            description = "weights, e.g. open=1,deposit=80,withdraw=10,transfer=9; default ${DEFAULT-VALUE}")
        String mix;
        @Option(names = "--batch", defaultValue = "1", converter = UnitConverters.IntCount.class,
            description = "commands per request; above 1 uses POST /commands/batch; default ${DEFAULT-VALUE}")
        int batch;
        @Option(names = "--atomic", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            description = "batches are atomic; default ${DEFAULT-VALUE}")
        boolean atomic;
        @Option(names = "--api-key", description = "sent as 'Authorization: Bearer KEY' (or raw in --api-key-header)")
        String apiKey;
        @Option(names = "--api-key-header", defaultValue = "Authorization", description = "header for the key; default ${DEFAULT-VALUE}")
        String apiKeyHeader;
        @Option(names = "--subscribers", defaultValue = "0", converter = UnitConverters.IntCount.class,
            description = "WebSocket subscribers measuring ack-to-arrival lag; default ${DEFAULT-VALUE}")
        int subscribers;
        @Option(names = "--timeout", defaultValue = "10s", converter = UnitConverters.Seconds.class,
            description = "per-request timeout; a timeout is an error; default ${DEFAULT-VALUE}")
        double timeout;
        @Option(names = "--max-in-flight", defaultValue = "20000", converter = UnitConverters.IntCount.class,
            description = "client backlog bound; sends beyond it count as errors; default ${DEFAULT-VALUE}")
        int maxInFlight;
        @Option(names = "--client-threads", defaultValue = "1", converter = UnitConverters.IntCount.class,
            description = "client event loops; default ${DEFAULT-VALUE}")
        int clientThreads;
        @Option(names = "--account-prefix", description = "account id prefix; default random, so runs do not collide")
        String accountPrefix;
        @Option(names = "--funding", defaultValue = "1000000000000", converter = UnitConverters.WholeCount.class,
            description = "initial deposit per account so withdrawals never fail; default ${DEFAULT-VALUE}")
        long funding;
        @Option(names = "--skip-setup", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            description = "the accounts already exist (same --account-prefix); default ${DEFAULT-VALUE}")
        boolean skipSetup;
        @Option(names = "--seed", defaultValue = "42", converter = UnitConverters.WholeCount.class,
            description = "random seed of the command mix; default ${DEFAULT-VALUE}")
        long seed;
        @Option(names = "--out", description = ".hlog, .hgrm, summary.txt and report.html go here; default bench-results/<time>")
        Path out;
        @Option(names = "--interval", defaultValue = "1s", converter = UnitConverters.Seconds.class,
            description = "histogram log interval; default ${DEFAULT-VALUE}")
        double interval;
        @Option(names = "--progress", defaultValue = "5s", converter = UnitConverters.Seconds.class,
            description = "progress line period, 0 = none; default ${DEFAULT-VALUE}")
        double progress;
        @Option(names = "--from", defaultValue = "1000", converter = UnitConverters.Count.class,
            description = "sweep: first rate; default ${DEFAULT-VALUE}")
        double from;
        @Option(names = "--to", defaultValue = "200000", converter = UnitConverters.Count.class,
            description = "sweep: last rate; default ${DEFAULT-VALUE}")
        double to;
        @Option(names = "--step", converter = UnitConverters.Count.class,
            description = "sweep: additive step; default 1000 unless --factor is given")
        Double step;
        @Option(names = "--factor", defaultValue = "1", converter = UnitConverters.Count.class,
            description = "sweep: multiplicative factor instead of a step")
        double factor;
        @Option(names = "--step-duration", defaultValue = "20s", converter = UnitConverters.Seconds.class,
            description = "sweep: measured time per step; default ${DEFAULT-VALUE}")
        double stepDuration;
        @Option(names = "--step-warmup", defaultValue = "5s", converter = UnitConverters.Seconds.class,
            description = "sweep: warm-up per step; default ${DEFAULT-VALUE}")
        double stepWarmup;
        @Option(names = "--initial-warmup", defaultValue = "20s", converter = UnitConverters.Seconds.class,
            description = "sweep: extra warm-up of the first step (a cold server's JIT); default ${DEFAULT-VALUE}")
        double initialWarmup;
        @Option(names = "--slo-p99", defaultValue = "10ms", converter = UnitConverters.Millis.class,
            description = "sweep: latency SLO at P99, e.g. 10ms, 500us (a plain number is ms); default ${DEFAULT-VALUE}")
        double sloP99;
        @Option(names = "--max-error-ratio", defaultValue = "0", converter = UnitConverters.Count.class,
            description = "sweep: errors / sent allowed in a passing step; default ${DEFAULT-VALUE}")
        double maxErrorRatio;

        @Spec
        CommandSpec spec;

        private PrintStream stdout = System.out;

        @Override
        public Integer call()
        {
            final LoadOptions options;
            try
            {
                options = new LoadOptions(this);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
            }
            return LoadMain.execute(options, stdout);
        }
    }

    private LoadOptions(final Flags f)
    {
        mode = f.mode;
        url = URI.create(stripSlash(f.url));
        rate = positive("rate", f.rate);
        durationSeconds = positive("duration", f.duration);
        warmupSeconds = nonNegative("warmup", f.warmup);
        connections = (int)positive("connections", f.connections);
        accounts = (int)positive("accounts", f.accounts);
        try
        {
            mix = CommandMix.Weights.parse(f.mix);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--mix " + f.mix + ": " + ex.getMessage());
        }
        batch = (int)positive("batch", f.batch);
        atomicBatch = f.atomic;
        apiKey = f.apiKey;
        apiKeyHeader = f.apiKeyHeader;
        subscribers = (int)nonNegative("subscribers", f.subscribers);
        timeoutSeconds = positive("timeout", f.timeout);
        maxInFlight = (int)positive("max-in-flight", f.maxInFlight);
        clientThreads = (int)positive("client-threads", f.clientThreads);
        intervalSeconds = positive("interval", f.interval);
        progressSeconds = nonNegative("progress", f.progress);
        out = f.out != null ? f.out : Paths.get(
            "bench-results/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        accountPrefix = f.accountPrefix != null ? f.accountPrefix
            : "bench-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36) + "-";
        funding = f.funding;
        seed = f.seed;
        skipSetup = f.skipSetup;
        sloP99Millis = positive("slo-p99", f.sloP99);
        maxErrorRatio = nonNegative("max-error-ratio", f.maxErrorRatio);
        sweepFrom = positive("from", f.from);
        sweepStep = nonNegative("step", f.step != null ? f.step : f.factor > 1 ? 0 : 1_000);
        sweepFactor = f.factor;
        sweepTo = positive("to", f.to);
        stepDurationSeconds = positive("step-duration", f.stepDuration);
        stepWarmupSeconds = nonNegative("step-warmup", f.stepWarmup);
        initialWarmupSeconds = nonNegative("initial-warmup", f.initialWarmup);

        require(url.getScheme() != null && url.getScheme().startsWith("http") && url.getHost() != null,
            "--url must be http://host:port: " + url);
        require(mode != Mode.SWEEP || sweepStep > 0 || sweepFactor > 1, "sweep needs --step > 0 or --factor > 1");
        require(sweepFactor >= 1, "--factor must be >= 1");
        require(sweepTo >= sweepFrom, "--to must be >= --from");
        require(!mix.needsAccounts() || accounts >= 2 || mix.transfer() == 0, "transfer needs at least 2 accounts");
        require(rate / batch <= 1_000_000, "at most 1,000,000 requests per second");
    }

    /**
     * Parses {@code [run|sweep] [--option value]...} ({@code --name=value} works too).
     *
     * @throws IllegalArgumentException with a one-line reason naming the option.
     */
    public static LoadOptions parse(final String... args)
    {
        final Flags flags = new Flags();
        final CommandLine cli = new CommandLine(flags);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        try
        {
            cli.parseArgs(args);
        }
        catch (final CommandLine.ParameterException ex)
        {
            throw new IllegalArgumentException(ex.getMessage().replaceAll("\\s*\\R\\s*", " "), ex);
        }
        return new LoadOptions(flags);
    }

    /** The help text, generated from the options. */
    public static String usage()
    {
        return new CommandLine(new Flags()).getUsageMessage();
    }

    /** Runs the command line: {@code --help}, usage errors (one line, exit 2), then the run or the sweep. */
    static int execute(final PrintStream stdout, final String... args)
    {
        final Flags flags = new Flags();
        flags.stdout = stdout;
        return Cli.execute("strand-bench", flags, args);
    }

    private static double positive(final String name, final double value)
    {
        require(value > 0, "--" + name + " must be > 0");
        return value;
    }

    private static double nonNegative(final String name, final double value)
    {
        require(value >= 0, "--" + name + " must be >= 0");
        return value;
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    private static String stripSlash(final String url)
    {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Requests per second: commands per second over commands per request. */
    public double requestRate()
    {
        return rate / batch;
    }

    /** A copy at another rate, duration and warm-up (one sweep step), writing under {@code dir}. */
    public LoadOptions atRate(final double newRate, final double duration, final double warmup, final Path dir)
    {
        return new LoadOptions(this, newRate, duration, warmup, dir);
    }

    private LoadOptions(final LoadOptions b, final double newRate, final double duration, final double warmup, final Path dir)
    {
        mode = Mode.RUN;
        url = b.url;
        rate = newRate;
        durationSeconds = duration;
        warmupSeconds = warmup;
        connections = b.connections;
        accounts = b.accounts;
        mix = b.mix;
        batch = b.batch;
        atomicBatch = b.atomicBatch;
        apiKey = b.apiKey;
        apiKeyHeader = b.apiKeyHeader;
        subscribers = b.subscribers;
        timeoutSeconds = b.timeoutSeconds;
        maxInFlight = b.maxInFlight;
        clientThreads = b.clientThreads;
        intervalSeconds = b.intervalSeconds;
        progressSeconds = b.progressSeconds;
        out = dir;
        accountPrefix = b.accountPrefix;
        funding = b.funding;
        seed = b.seed;
        skipSetup = true;
        sloP99Millis = b.sloP99Millis;
        maxErrorRatio = b.maxErrorRatio;
        sweepFrom = b.sweepFrom;
        sweepStep = b.sweepStep;
        sweepFactor = b.sweepFactor;
        sweepTo = b.sweepTo;
        stepDurationSeconds = b.stepDurationSeconds;
        stepWarmupSeconds = b.stepWarmupSeconds;
        initialWarmupSeconds = b.initialWarmupSeconds;
    }

    /** The rates a sweep visits, in order. */
    public List<Double> sweepRates()
    {
        final List<Double> rates = new ArrayList<>();
        double r = sweepFrom;
        while (r <= sweepTo * (1 + 1e-9))
        {
            rates.add(r);
            final double next = sweepStep > 0 ? r + sweepStep : r * sweepFactor;
            if (next <= r)
            {
                break;
            }
            r = next;
        }
        return rates;
    }

    /** One line stating the setup, for the summary and the report. */
    public String describe()
    {
        return String.format(Locale.ROOT,
            "url=%s rate=%,.0f cmd/s (%,.0f req/s) duration=%ss warmup=%ss connections=%d accounts=%d mix=%s batch=%d%s " +
                "subscribers=%d timeout=%ss client-threads=%d",
            url, rate, requestRate(), trim(durationSeconds), trim(warmupSeconds), connections, accounts, mix, batch,
            batch > 1 ? (atomicBatch ? " atomic" : " non-atomic") : "", subscribers, trim(timeoutSeconds), clientThreads);
    }

    private static String trim(final double d)
    {
        return d == Math.rint(d) ? Long.toString((long)d) : Double.toString(d);
    }
}
