package dev.strand.bench.load;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every setting of the load generator: a name, a default, a line of doc ({@link #usage()}). Parsed and validated
 * once, read-only afterwards.
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
    public static final double DEFAULT_RATE = 1_000;
    public static final double DEFAULT_DURATION_SECONDS = 30;
    public static final double DEFAULT_WARMUP_SECONDS = 10;
    public static final int DEFAULT_CONNECTIONS = 32;
    public static final int DEFAULT_ACCOUNTS = 10_000;
    public static final String DEFAULT_MIX = "deposit=1";
    public static final int DEFAULT_BATCH = 1;
    public static final int DEFAULT_SUBSCRIBERS = 0;
    public static final double DEFAULT_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_MAX_IN_FLIGHT = 20_000;
    public static final int DEFAULT_CLIENT_THREADS = 1;
    public static final double DEFAULT_INTERVAL_SECONDS = 1;
    public static final double DEFAULT_PROGRESS_SECONDS = 5;
    public static final double DEFAULT_SLO_P99_MILLIS = 10;
    public static final double DEFAULT_MAX_ERROR_RATIO = 0;
    public static final double DEFAULT_SWEEP_FROM = 1_000;
    public static final double DEFAULT_SWEEP_STEP = 1_000;
    public static final double DEFAULT_SWEEP_TO = 200_000;
    public static final double DEFAULT_STEP_DURATION_SECONDS = 20;
    public static final double DEFAULT_STEP_WARMUP_SECONDS = 5;
    public static final double DEFAULT_INITIAL_WARMUP_SECONDS = 20;
    public static final long DEFAULT_FUNDING = 1_000_000_000_000L;
    public static final String DEFAULT_API_KEY_HEADER = "Authorization";
    public static final long DEFAULT_SEED = 42;

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

    private LoadOptions(final Mode mode, final Map<String, String> o)
    {
        this.mode = mode;
        url = URI.create(stripSlash(o.getOrDefault("url", DEFAULT_URL)));
        rate = positive("rate", dbl(o, "rate", DEFAULT_RATE));
        durationSeconds = positive("duration", seconds(o, "duration", DEFAULT_DURATION_SECONDS));
        warmupSeconds = nonNegative("warmup", seconds(o, "warmup", DEFAULT_WARMUP_SECONDS));
        connections = (int)positive("connections", integer(o, "connections", DEFAULT_CONNECTIONS));
        accounts = (int)positive("accounts", integer(o, "accounts", DEFAULT_ACCOUNTS));
        mix = CommandMix.Weights.parse(o.getOrDefault("mix", DEFAULT_MIX));
        batch = (int)positive("batch", integer(o, "batch", DEFAULT_BATCH));
        atomicBatch = Boolean.parseBoolean(o.getOrDefault("atomic", "false"));
        apiKey = o.get("api-key");
        apiKeyHeader = o.getOrDefault("api-key-header", DEFAULT_API_KEY_HEADER);
        subscribers = (int)nonNegative("subscribers", integer(o, "subscribers", DEFAULT_SUBSCRIBERS));
        timeoutSeconds = positive("timeout", seconds(o, "timeout", DEFAULT_TIMEOUT_SECONDS));
        maxInFlight = (int)positive("max-in-flight", integer(o, "max-in-flight", DEFAULT_MAX_IN_FLIGHT));
        clientThreads = (int)positive("client-threads", integer(o, "client-threads", DEFAULT_CLIENT_THREADS));
        intervalSeconds = positive("interval", seconds(o, "interval", DEFAULT_INTERVAL_SECONDS));
        progressSeconds = nonNegative("progress", seconds(o, "progress", DEFAULT_PROGRESS_SECONDS));
        out = Paths.get(o.getOrDefault("out",
            "bench-results/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        accountPrefix = o.getOrDefault("account-prefix", "bench-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36) + "-");
        funding = integer(o, "funding", DEFAULT_FUNDING);
        seed = integer(o, "seed", DEFAULT_SEED);
        skipSetup = Boolean.parseBoolean(o.getOrDefault("skip-setup", "false"));
        sloP99Millis = positive("slo-p99", millis(o, "slo-p99", DEFAULT_SLO_P99_MILLIS));
        maxErrorRatio = nonNegative("max-error-ratio", dbl(o, "max-error-ratio", DEFAULT_MAX_ERROR_RATIO));
        sweepFrom = positive("from", dbl(o, "from", DEFAULT_SWEEP_FROM));
        sweepStep = nonNegative("step", dbl(o, "step", o.containsKey("factor") ? 0 : DEFAULT_SWEEP_STEP));
        sweepFactor = dbl(o, "factor", 1.0);
        sweepTo = positive("to", dbl(o, "to", DEFAULT_SWEEP_TO));
        stepDurationSeconds = positive("step-duration", seconds(o, "step-duration", DEFAULT_STEP_DURATION_SECONDS));
        stepWarmupSeconds = nonNegative("step-warmup", seconds(o, "step-warmup", DEFAULT_STEP_WARMUP_SECONDS));
        initialWarmupSeconds = nonNegative("initial-warmup", seconds(o, "initial-warmup", DEFAULT_INITIAL_WARMUP_SECONDS));

        require(url.getScheme() != null && url.getScheme().startsWith("http") && url.getHost() != null,
            "url must be http://host:port: " + url);
        require(mode != Mode.SWEEP || sweepStep > 0 || sweepFactor > 1, "sweep needs --step > 0 or --factor > 1");
        require(sweepFactor >= 1, "factor must be >= 1");
        require(sweepTo >= sweepFrom, "--to must be >= --from");
        require(!mix.needsAccounts() || accounts >= 2 || mix.transfer() == 0, "transfer needs at least 2 accounts");
        require(rate / batch <= 1_000_000, "at most 1,000,000 requests per second");
    }

    /** Parses {@code [run|sweep] --name value ...}; {@code --name=value} works too. */
    public static LoadOptions parse(final String... args)
    {
        Mode mode = Mode.RUN;
        final Map<String, String> values = new LinkedHashMap<>();
        final List<String> rest = new ArrayList<>(List.of(args));
        if (!rest.isEmpty() && !rest.get(0).startsWith("--"))
        {
            final String first = rest.remove(0);
            mode = switch (first)
            {
                case "run" -> Mode.RUN;
                case "sweep" -> Mode.SWEEP;
                default -> throw new IllegalArgumentException("unknown mode '" + first + "': use run or sweep");
            };
        }
        for (int i = 0; i < rest.size(); i++)
        {
            final String arg = rest.get(i);
            if (!arg.startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            final String name;
            final String value;
            final int eq = arg.indexOf('=');
            if (eq > 0)
            {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            }
            else
            {
                name = arg.substring(2);
                if (i + 1 >= rest.size())
                {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = rest.get(++i);
            }
            if (!KNOWN.contains(name))
            {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            values.put(name, value);
        }
        return new LoadOptions(mode, values);
    }

    private static final List<String> KNOWN = List.of(
        "url", "rate", "duration", "warmup", "connections", "accounts", "mix", "batch", "atomic", "api-key",
        "api-key-header", "subscribers", "timeout", "max-in-flight", "client-threads", "interval", "progress", "out",
        "account-prefix", "funding", "seed", "skip-setup", "slo-p99", "max-error-ratio", "from", "step", "factor", "to",
        "step-duration", "step-warmup", "initial-warmup");

    /** The help text. */
    public static String usage()
    {
        return String.join("\n",
            "strand-bench: open-loop load generator for Strand (coordinated-omission corrected).",
            "",
            "usage: java -jar strand-bench.jar [run|sweep] [--option value]...",
            "",
            "  run    one run at --rate for --duration after --warmup (default)",
            "  sweep  runs --from, --from+--step (or *--factor), ... up to --to; stops at the first step whose P99",
            "         exceeds --slo-p99 or whose error ratio exceeds --max-error-ratio; prints the highest passing rate",
            "",
            "target and load:",
            "  --url URL              server base URL                              [" + DEFAULT_URL + "]",
            "  --rate N               commands per second (open loop, fixed rate)   [" + (long)DEFAULT_RATE + "]",
            "  --duration T           measured time, e.g. 30s, 2m                    [" + (long)DEFAULT_DURATION_SECONDS + "s]",
            "  --warmup T             sent at the same rate before measuring         [" + (long)DEFAULT_WARMUP_SECONDS + "s]",
            "  --connections N        HTTP/1.1 keep-alive connections                [" + DEFAULT_CONNECTIONS + "]",
            "  --accounts K           accounts the mix works over, opened first      [" + DEFAULT_ACCOUNTS + "]",
            "  --mix W                weights, e.g. open=1,deposit=80,withdraw=10,transfer=9  [" + DEFAULT_MIX + "]",
            "  --batch N              commands per request; N > 1 uses POST /commands/batch  [1]",
            "  --atomic B             batches are atomic                             [false]",
            "  --api-key KEY          sent as 'Authorization: Bearer KEY' (or raw in --api-key-header)",
            "  --api-key-header H     header for the key                              [" + DEFAULT_API_KEY_HEADER + "]",
            "  --subscribers N        WebSocket subscribers measuring ack-to-arrival lag  [0]",
            "  --timeout T            per-request timeout; a timeout is an error     [" + (long)DEFAULT_TIMEOUT_SECONDS + "s]",
            "  --max-in-flight N      client backlog bound; sends beyond it are counted as errors  [" + DEFAULT_MAX_IN_FLIGHT + "]",
            "  --client-threads N     client event loops                             [" + DEFAULT_CLIENT_THREADS + "]",
            "  --account-prefix P     account id prefix (random by default, so runs do not collide)",
            "  --funding N            initial deposit per account so withdrawals never fail  [" + DEFAULT_FUNDING + "]",
            "  --skip-setup B         the accounts already exist (same --account-prefix)  [false]",
            "  --seed N               random seed of the command mix                  [" + DEFAULT_SEED + "]",
            "",
            "output:",
            "  --out DIR              .hlog, .hgrm, summary.txt and report.html        [bench-results/<time>]",
            "  --interval T           histogram log interval                         [1s]",
            "  --progress T           progress line period, 0 = none                 [5s]",
            "",
            "sweep:",
            "  --from N --to N        first and last rate                            [" + (long)DEFAULT_SWEEP_FROM + ", " + (long)DEFAULT_SWEEP_TO + "]",
            "  --step N | --factor F  additive step, or multiplicative factor         [" + (long)DEFAULT_SWEEP_STEP + "]",
            "  --step-duration T      measured time per step                          [" + (long)DEFAULT_STEP_DURATION_SECONDS + "s]",
            "  --step-warmup T        warm-up per step                               [" + (long)DEFAULT_STEP_WARMUP_SECONDS + "s]",
            "  --initial-warmup T     extra warm-up of the first step (a cold server's JIT)  [" + (long)DEFAULT_INITIAL_WARMUP_SECONDS + "s]",
            "  --slo-p99 T            latency SLO at P99, e.g. 10ms, 500us            [" + (long)DEFAULT_SLO_P99_MILLIS + "ms]",
            "  --max-error-ratio R    errors / sent allowed in a passing step         [0]",
            "");
    }

    /** Parses a duration: plain seconds, or with a unit us, ms, s, m. */
    static double parseSeconds(final String text)
    {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("us"))
        {
            return Double.parseDouble(t.substring(0, t.length() - 2)) / 1e6;
        }
        if (t.endsWith("ms"))
        {
            return Double.parseDouble(t.substring(0, t.length() - 2)) / 1e3;
        }
        if (t.endsWith("s"))
        {
            return Double.parseDouble(t.substring(0, t.length() - 1));
        }
        if (t.endsWith("m"))
        {
            return Double.parseDouble(t.substring(0, t.length() - 1)) * 60;
        }
        return Double.parseDouble(t);
    }

    /** Parses a number that may use k/m suffixes or underscores: 50k, 1.5m, 100_000. */
    static double parseNumber(final String text)
    {
        final String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "").replace(",", "");
        if (t.endsWith("k"))
        {
            return Double.parseDouble(t.substring(0, t.length() - 1)) * 1e3;
        }
        if (t.endsWith("m"))
        {
            return Double.parseDouble(t.substring(0, t.length() - 1)) * 1e6;
        }
        return Double.parseDouble(t);
    }

    private static double seconds(final Map<String, String> o, final String name, final double absent)
    {
        final String v = o.get(name);
        try
        {
            return v == null ? absent : parseSeconds(v);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + " is not a duration: " + v);
        }
    }

    private static double millis(final Map<String, String> o, final String name, final double absent)
    {
        final String v = o.get(name);
        if (v == null)
        {
            return absent;
        }
        final String t = v.trim().toLowerCase(Locale.ROOT);
        try
        {
            return t.endsWith("us") || t.endsWith("ms") || t.endsWith("s") ? parseSeconds(t) * 1e3 : Double.parseDouble(t);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + " is not a duration: " + v);
        }
    }

    private static double dbl(final Map<String, String> o, final String name, final double absent)
    {
        final String v = o.get(name);
        try
        {
            return v == null ? absent : parseNumber(v);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + " is not a number: " + v);
        }
    }

    private static long integer(final Map<String, String> o, final String name, final long absent)
    {
        final double d = dbl(o, name, absent);
        if (d != Math.rint(d))
        {
            throw new IllegalArgumentException("--" + name + " must be an integer: " + o.get(name));
        }
        return (long)d;
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
