package dev.strand.gateway;

import dev.strand.engine.api.EngineConfig;
import dev.strand.gateway.http.ApiKeys;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every gateway setting in one place: a flag ({@code --name value} or {@code --name=value}), an environment variable
 * ({@code STRAND_NAME}), a default and a line of doc. Flags beat environment variables, which beat defaults. Parsed
 * and validated once at start, read-only afterwards. {@link #describe()} prints the table the README carries.
 */
public final class GatewayConfig
{
    /** One setting: its flag name, default (as text) and doc. */
    public record Setting(String name, String defaultValue, String doc)
    {
        public String envName()
        {
            return "STRAND_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    public static final Setting HOST = setting("host", "127.0.0.1", "address to bind; a non-loopback address needs API keys or --insecure");
    public static final Setting PORT = setting("port", "8080", "TCP port (0 = any free port, logged at start)");
    public static final Setting DATA_DIR = setting("data-dir", "./data", "journal and snapshots live here");
    public static final Setting DURABILITY = setting(
        "durability", "async", "async: survives a process crash (page cache); sync: msync per group commit, survives power loss");
    public static final Setting RING_SIZE = setting(
        "ring-size", String.valueOf(EngineConfig.DEFAULT_RING_SIZE), "command ring slots (power of two); full ring = 503 OVERLOADED");
    public static final Setting WAIT_STRATEGY = setting(
        "wait-strategy", EngineConfig.DEFAULT_WAIT_STRATEGY, "engine threads' wait strategy: blocking, lite-blocking, yielding, sleeping, phased");
    public static final Setting SNAPSHOT_EVERY_EVENTS = setting(
        "snapshot-every-events", String.valueOf(EngineConfig.DEFAULT_SNAPSHOT_EVERY_EVENTS), "snapshot after this many events (0 = never by count)");
    public static final Setting ROLL_CYCLE = setting(
        "roll-cycle", EngineConfig.DEFAULT_ROLL_CYCLE, "Chronicle roll cycle of a new journal, e.g. FAST_DAILY, FAST_HOURLY, TEST_SECONDLY (an existing journal keeps its own)");
    public static final Setting SNAPSHOT_EVERY_SECONDS = setting(
        "snapshot-every-seconds", String.valueOf(EngineConfig.DEFAULT_SNAPSHOT_EVERY_SECONDS), "snapshot after this many seconds if anything was written (0 = never by time)");
    public static final Setting SNAPSHOTS_KEPT = setting(
        "snapshots-kept", String.valueOf(EngineConfig.DEFAULT_SNAPSHOTS_KEPT), "snapshot files kept on disk");
    public static final Setting IDEMPOTENCY_WINDOW = setting(
        "idempotency-window", String.valueOf(EngineConfig.DEFAULT_IDEMPOTENCY_WINDOW), "accepted commandIds remembered for idempotent replays");
    public static final Setting MIN_FREE_BYTES = setting(
        "min-free-bytes", String.valueOf(EngineConfig.DEFAULT_MIN_FREE_BYTES), "free-space floor under the data dir; below it the engine halts (503 HALTED)");
    public static final Setting BODY_LIMIT = setting("body-limit", "1048576", "largest request body in bytes (413 PAYLOAD_TOO_LARGE)");
    public static final Setting MAX_HEADER_SIZE = setting("max-header-size", "8192", "largest request header block in bytes (431)");
    public static final Setting MAX_BATCH_COMMANDS = setting("max-batch-commands", "10000", "most commands in one /commands/batch");
    public static final Setting API_KEYS = setting(
        "api-keys", "", "comma-separated role:sha256hex entries (roles reader, writer, admin); empty = no auth (loopback only)");
    public static final Setting WS_ALLOWED_ORIGINS = setting(
        "ws-allowed-origins", "", "comma-separated Origin values allowed to open /subscribe (* = any); requests without Origin are allowed");
    public static final Setting WS_MAX_FRAME_SIZE = setting("ws-max-frame-size", "65536", "largest inbound WebSocket frame in bytes");
    public static final Setting WS_MAX_MESSAGE_SIZE = setting("ws-max-message-size", "65536", "largest inbound WebSocket message in bytes");
    public static final Setting WS_MAX_IN_FLIGHT = setting(
        "ws-max-in-flight", "512", "events written to one WebSocket and not yet flushed; past it the subscriber is served from the journal at its pace");
    public static final Setting MAX_CONNECTIONS = setting("max-connections", "10000", "open TCP connections; more are closed at accept");
    public static final Setting IDLE_TIMEOUT = setting(
        "idle-timeout-seconds", "30", "a connection with no request in progress (even one trickling header bytes) is closed after this");
    public static final Setting REQUEST_TIMEOUT = setting(
        "request-timeout-ms", "20000", "a request not answered in this time gets 503 REQUEST_TIMEOUT; a body still arriving after it is cut (keep it below the idle timeout)");
    public static final Setting READ_WAIT_TIMEOUT = setting(
        "read-wait-timeout-ms", "5000", "longest wait of GET /aggregates/{id}?minPosition=N before 504 READ_MODEL_TIMEOUT");
    public static final Setting EVENTS_MAX_LIMIT = setting("events-max-limit", "10000", "largest limit of GET /events and /aggregates/{id}/events");
    public static final Setting EVENTS_MAX_SCAN = setting(
        "events-max-scan", "100000", "journal records one filtered GET /events may scan before answering a partial page");
    public static final Setting QUERY_THREADS = setting("query-threads", "4", "worker threads for journal reads (temporal queries, event pages)");
    public static final Setting EVENT_LOOPS = setting("event-loops", String.valueOf(Runtime.getRuntime().availableProcessors()), "HTTP event-loop threads (one verticle each)");
    public static final Setting SHUTDOWN_TIMEOUT = setting(
        "shutdown-timeout-seconds", "10", "on SIGTERM, how long in-flight requests may take before the server closes");
    public static final Setting LOG_FORMAT = setting("log-format", "text", "text or json (one JSON object a line)");
    public static final Setting INSECURE = setting("insecure", "false", "allow a non-loopback bind address without API keys");

    private final String host;
    private final int port;
    private final Path dataDir;
    private final String durability;
    private final String rollCycle;
    private final int ringSize;
    private final String waitStrategy;
    private final long snapshotEveryEvents;
    private final long snapshotEverySeconds;
    private final int snapshotsKept;
    private final int idempotencyWindow;
    private final long minFreeBytes;
    private final long bodyLimit;
    private final int maxHeaderSize;
    private final int maxBatchCommands;
    private final ApiKeys apiKeys;
    private final List<String> wsAllowedOrigins;
    private final int wsMaxFrameSize;
    private final int wsMaxMessageSize;
    private final int wsMaxInFlight;
    private final int maxConnections;
    private final int idleTimeoutSeconds;
    private final long requestTimeoutMs;
    private final long readWaitTimeoutMs;
    private final int eventsMaxLimit;
    private final int eventsMaxScan;
    private final int queryThreads;
    private final int eventLoops;
    private final int shutdownTimeoutSeconds;
    private final String logFormat;
    private final boolean insecure;

    private GatewayConfig(final Map<String, String> values)
    {
        final Reader r = new Reader(values);
        host = r.string(HOST);
        port = r.intIn(PORT, 0, 65535);
        dataDir = Path.of(r.string(DATA_DIR));
        durability = r.oneOf(DURABILITY, "async", "sync");
        rollCycle = r.string(ROLL_CYCLE);
        if (!rollCycle.matches("[A-Z][A-Z0-9_]*"))
        {
            throw new ConfigException("--roll-cycle must name a Chronicle roll cycle such as FAST_DAILY: " + rollCycle);
        }
        ringSize = r.intIn(RING_SIZE, 2, 1 << 30);
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new ConfigException("--ring-size must be a power of two: " + ringSize);
        }
        waitStrategy = r.oneOf(WAIT_STRATEGY, "blocking", "lite-blocking", "yielding", "sleeping", "phased");
        snapshotEveryEvents = r.longIn(SNAPSHOT_EVERY_EVENTS, 0, Long.MAX_VALUE);
        snapshotEverySeconds = r.longIn(SNAPSHOT_EVERY_SECONDS, 0, Long.MAX_VALUE);
        snapshotsKept = r.intIn(SNAPSHOTS_KEPT, 1, 1000);
        idempotencyWindow = r.intIn(IDEMPOTENCY_WINDOW, 0, Integer.MAX_VALUE);
        minFreeBytes = r.longIn(MIN_FREE_BYTES, 0, Long.MAX_VALUE);
        bodyLimit = r.longIn(BODY_LIMIT, 1024, 1L << 30);
        maxHeaderSize = r.intIn(MAX_HEADER_SIZE, 1024, 1 << 20);
        maxBatchCommands = r.intIn(MAX_BATCH_COMMANDS, 1, 1_000_000);
        apiKeys = parse(API_KEYS, r.string(API_KEYS), ApiKeys::parse);
        wsAllowedOrigins = splitList(r.string(WS_ALLOWED_ORIGINS));
        wsMaxFrameSize = r.intIn(WS_MAX_FRAME_SIZE, 125, 1 << 24);
        wsMaxMessageSize = r.intIn(WS_MAX_MESSAGE_SIZE, 125, 1 << 26);
        wsMaxInFlight = r.intIn(WS_MAX_IN_FLIGHT, 1, 1 << 20);
        maxConnections = r.intIn(MAX_CONNECTIONS, 1, 10_000_000);
        idleTimeoutSeconds = r.intIn(IDLE_TIMEOUT, 1, 86_400);
        requestTimeoutMs = r.longIn(REQUEST_TIMEOUT, 100, 3_600_000);
        readWaitTimeoutMs = r.longIn(READ_WAIT_TIMEOUT, 0, 3_600_000);
        eventsMaxLimit = r.intIn(EVENTS_MAX_LIMIT, 1, 1_000_000);
        eventsMaxScan = r.intIn(EVENTS_MAX_SCAN, 1, Integer.MAX_VALUE);
        queryThreads = r.intIn(QUERY_THREADS, 1, 256);
        eventLoops = r.intIn(EVENT_LOOPS, 1, 256);
        shutdownTimeoutSeconds = r.intIn(SHUTDOWN_TIMEOUT, 0, 3600);
        logFormat = r.oneOf(LOG_FORMAT, "text", "json");
        insecure = r.bool(INSECURE);

        if (!insecure && apiKeys.isEmpty() && !isLoopback(host))
        {
            throw new ConfigException(
                "refusing to bind " + host + " without API keys: set --api-keys (or STRAND_API_KEYS), " +
                    "bind a loopback address, or pass --insecure");
        }
    }

    /** Reads flags, then environment variables, then defaults. */
    public static GatewayConfig from(final String[] args, final Map<String, String> env)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final Setting s : SETTINGS.values())
        {
            final String fromEnv = env.get(s.envName());
            values.put(s.name(), fromEnv != null ? fromEnv : s.defaultValue());
        }
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--"))
            {
                throw new ConfigException("unexpected argument '" + arg + "' (flags look like --name value)");
            }
            final String body = arg.substring(2);
            final int eq = body.indexOf('=');
            final String name = eq >= 0 ? body.substring(0, eq) : body;
            final Setting s = SETTINGS.get(name);
            if (s == null)
            {
                throw new ConfigException("unknown flag --" + name + " (see --help)");
            }
            final String value;
            if (eq >= 0)
            {
                value = body.substring(eq + 1);
            }
            else if (s == INSECURE)
            {
                value = "true";
            }
            else if (i + 1 < args.length)
            {
                value = args[++i];
            }
            else
            {
                throw new ConfigException("flag --" + name + " needs a value");
            }
            values.put(name, value);
        }
        return new GatewayConfig(values);
    }

    /** Defaults only (plus the given overrides, by flag name): for tests. */
    public static GatewayConfig of(final Map<String, String> overrides)
    {
        final List<String> args = new ArrayList<>();
        overrides.forEach((k, v) -> args.add("--" + k + "=" + v));
        return from(args.toArray(new String[0]), Map.of());
    }

    /** The settings table: flag, environment variable, default, doc. */
    public static String describe()
    {
        final StringBuilder sb = new StringBuilder("Usage: java -jar strand.jar [--flag value]...\n\n");
        for (final Setting s : SETTINGS.values())
        {
            sb.append(String.format(Locale.ROOT, "  --%-24s %-32s default %s%n      %s%n",
                s.name(), s.envName(), s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue(), s.doc()));
        }
        return sb.toString();
    }

    public static List<Setting> settings()
    {
        return List.copyOf(SETTINGS.values());
    }

    /** The engine's configuration derived from these settings. */
    public EngineConfig.Builder engineConfig()
    {
        return EngineConfig.builder(dataDir)
            .durability(dev.strand.journal.Durability.valueOf(durability.toUpperCase(Locale.ROOT)))
            .ringSize(ringSize)
            .waitStrategy(waitStrategy)
            .snapshotEveryEvents(snapshotEveryEvents)
            .snapshotEverySeconds(snapshotEverySeconds)
            .rollCycle(rollCycle)
            .snapshotsKept(snapshotsKept)
            .idempotencyWindow(idempotencyWindow)
            .minFreeBytes(minFreeBytes);
    }

    public static boolean isLoopback(final String host)
    {
        if ("localhost".equalsIgnoreCase(host))
        {
            return true;
        }
        try
        {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (final UnknownHostException ex)
        {
            return false;
        }
    }

    private static Setting setting(final String name, final String defaultValue, final String doc)
    {
        final Setting s = new Setting(name, defaultValue, doc);
        SETTINGS.put(name, s);
        return s;
    }

    private static List<String> splitList(final String value)
    {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static <T> T parse(final Setting s, final String value, final Function<String, T> parser)
    {
        try
        {
            return parser.apply(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("--" + s.name() + ": " + ex.getMessage());
        }
    }

    private record Reader(Map<String, String> values)
    {
        String string(final Setting s)
        {
            return values.get(s.name()).trim();
        }

        long longIn(final Setting s, final long min, final long max)
        {
            final String v = string(s);
            final long parsed;
            try
            {
                parsed = Long.parseLong(v.replace("_", ""));
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigException("--" + s.name() + " must be an integer: '" + v + "'");
            }
            if (parsed < min || parsed > max)
            {
                throw new ConfigException("--" + s.name() + " must be within " + min + ".." + max + ": " + parsed);
            }
            return parsed;
        }

        int intIn(final Setting s, final int min, final int max)
        {
            return (int)longIn(s, min, max);
        }

        String oneOf(final Setting s, final String... allowed)
        {
            final String v = string(s).toLowerCase(Locale.ROOT);
            if (!Arrays.asList(allowed).contains(v))
            {
                throw new ConfigException("--" + s.name() + " must be one of " + String.join(", ", allowed) + ": '" + v + "'");
            }
            return v;
        }

        boolean bool(final Setting s)
        {
            return Boolean.parseBoolean(oneOf(s, "true", "false"));
        }
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public String durability()
    {
        return durability;
    }

    public long bodyLimit()
    {
        return bodyLimit;
    }

    public int maxHeaderSize()
    {
        return maxHeaderSize;
    }

    public int maxBatchCommands()
    {
        return maxBatchCommands;
    }

    public ApiKeys apiKeys()
    {
        return apiKeys;
    }

    public List<String> wsAllowedOrigins()
    {
        return wsAllowedOrigins;
    }

    public int wsMaxFrameSize()
    {
        return wsMaxFrameSize;
    }

    public int wsMaxMessageSize()
    {
        return wsMaxMessageSize;
    }

    public int wsMaxInFlight()
    {
        return wsMaxInFlight;
    }

    public int maxConnections()
    {
        return maxConnections;
    }

    public int idleTimeoutSeconds()
    {
        return idleTimeoutSeconds;
    }

    public long requestTimeoutMs()
    {
        return requestTimeoutMs;
    }

    public long readWaitTimeoutMs()
    {
        return readWaitTimeoutMs;
    }

    public int eventsMaxLimit()
    {
        return eventsMaxLimit;
    }

    public int eventsMaxScan()
    {
        return eventsMaxScan;
    }

    public int queryThreads()
    {
        return queryThreads;
    }

    public int eventLoops()
    {
        return eventLoops;
    }

    public int shutdownTimeoutSeconds()
    {
        return shutdownTimeoutSeconds;
    }

    public String logFormat()
    {
        return logFormat;
    }

    public boolean insecure()
    {
        return insecure;
    }
}
