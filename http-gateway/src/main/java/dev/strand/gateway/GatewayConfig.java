package dev.strand.gateway;

import dev.strand.config.ConfigException;
import dev.strand.config.Setting;
import dev.strand.config.SettingException;
import dev.strand.config.SettingType;
import dev.strand.config.SettingValues;
import dev.strand.engine.api.EngineConfig;
import dev.strand.gateway.http.ApiKeys;
import dev.strand.journal.Durability;
import dev.strand.journal.JournalConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The server's settings: the gateway's own, declared once below (name, type, default, range, doc), plus every engine
 * and journal setting ({@link EngineConfig#SETTINGS}). Each is a flag ({@code --ring-size 65536}) and an environment
 * variable ({@code STRAND_RING_SIZE}); flags beat environment variables, which beat defaults. Resolved and validated
 * once at start; a bad value is a {@link ConfigException} naming the flag or the variable it came from.
 */
public final class GatewayConfig
{
    /** Output format of the log. */
    public enum LogFormat
    {
        /** One human-readable line per event. */
        TEXT,
        /** One JSON object per line. */
        JSON
    }

    public static final Setting<String> HOST = Setting.of("host", SettingType.text(), "127.0.0.1",
        "address to bind; a non-loopback address needs API keys or --insecure");
    public static final Setting<Integer> PORT = Setting.of("port", SettingType.integer(0, 65535), 8080,
        "TCP port (0 = any free port, logged at start)");
    public static final Setting<Long> BODY_LIMIT = Setting.of("body-limit", SettingType.size(1024, 1L << 30), 1L << 20,
        "largest request body (413 PAYLOAD_TOO_LARGE)");
    public static final Setting<Long> MAX_HEADER_SIZE = Setting.of("max-header-size", SettingType.size(1024, 1L << 20), 8192L,
        "largest request header block (431)");
    public static final Setting<Integer> MAX_BATCH_COMMANDS = Setting.of("max-batch-commands", SettingType.integer(1, 1_000_000),
        10_000, "most commands in one /commands/batch");
    public static final Setting<ApiKeys> API_KEYS = Setting.of("api-keys",
        SettingType.of(ApiKeys::parse, keys -> keys.isEmpty() ? "" : "(configured)", "role:sha256hex,..."), ApiKeys.NONE,
        "comma-separated role:sha256hex entries (roles reader, writer, admin; hash with the hash-key command); none = no auth (loopback only)");
    public static final Setting<List<String>> WS_ALLOWED_ORIGINS = Setting.of("ws-allowed-origins", SettingType.list(), List.of(),
        "comma-separated Origin values allowed to open /subscribe (* = any); requests without Origin are allowed");
    public static final Setting<Long> WS_MAX_FRAME_SIZE = Setting.of("ws-max-frame-size", SettingType.size(125, 1L << 24), 65536L,
        "largest inbound WebSocket frame");
    public static final Setting<Long> WS_MAX_MESSAGE_SIZE = Setting.of("ws-max-message-size", SettingType.size(125, 1L << 26),
        65536L, "largest inbound WebSocket message");
    public static final Setting<Integer> WS_MAX_IN_FLIGHT = Setting.of("ws-max-in-flight", SettingType.integer(1, 1 << 20), 512,
        "events written to one WebSocket and not yet flushed; past it the subscriber is served from the journal at its pace");
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.of("max-connections", SettingType.integer(1, 10_000_000), 10_000,
        "open TCP connections; more are closed at accept");
    public static final Setting<Integer> IDLE_TIMEOUT = Setting.of("idle-timeout-seconds", SettingType.integer(1, 86_400), 30,
        "a connection with no request in progress (even one trickling header bytes) is closed after this");
    public static final Setting<Long> REQUEST_TIMEOUT = Setting.of("request-timeout-ms", SettingType.count(100, 3_600_000), 20_000L,
        "a request not answered in this time gets 503 REQUEST_TIMEOUT; a body still arriving after it is cut (keep it below the idle timeout)");
    public static final Setting<Long> READ_WAIT_TIMEOUT = Setting.of("read-wait-timeout-ms", SettingType.count(0, 3_600_000), 5_000L,
        "longest wait of GET /aggregates/{id}?minPosition=N before 504 READ_MODEL_TIMEOUT");
    public static final Setting<Integer> EVENTS_MAX_LIMIT = Setting.of("events-max-limit", SettingType.integer(1, 1_000_000), 10_000,
        "largest limit of GET /events and /aggregates/{id}/events");
    public static final Setting<Integer> EVENTS_MAX_SCAN = Setting.of("events-max-scan", SettingType.integer(1, Integer.MAX_VALUE),
        100_000, "journal records one filtered GET /events may scan before answering a partial page");
    public static final Setting<Integer> QUERY_THREADS = Setting.of("query-threads", SettingType.integer(1, 256), 4,
        "worker threads for journal reads (temporal queries, event pages)");
    public static final Setting<Integer> EVENT_LOOPS = Setting.of("event-loops", SettingType.integer(1, 256),
        Runtime.getRuntime().availableProcessors(), "HTTP event-loop threads (one verticle each)").withDefaultText("number of cores");
    public static final Setting<Integer> SHUTDOWN_TIMEOUT = Setting.of("shutdown-timeout-seconds", SettingType.integer(0, 3600), 10,
        "on SIGTERM, how long in-flight requests may take before the server closes");
    public static final Setting<LogFormat> LOG_FORMAT = Setting.of("log-format", SettingType.lowerCase(LogFormat.class), LogFormat.TEXT,
        "text, or json (one JSON object a line)");
    public static final Setting<Path> TLS_CERT = Setting.of("tls-cert", SettingType.path(), null,
        "PEM certificate chain (server certificate first); with --tls-key the server speaks only HTTPS and WSS");
    public static final Setting<Path> TLS_KEY = Setting.of("tls-key", SettingType.path(), null,
        "PEM private key of --tls-cert (PKCS#8 'BEGIN PRIVATE KEY', or PKCS#1 'BEGIN RSA PRIVATE KEY')");
    public static final Setting<Boolean> INSECURE = Setting.of("insecure", SettingType.bool(), false,
        "allow a non-loopback bind address without API keys");
    public static final Setting<Path> BACKUP_DIR = Setting.of("backup-dir", SettingType.path(), Path.of("./backups"),
        "where POST /admin/backups writes backups (one backup-<position>-<millis> directory each)");

    /** Every setting of the server, in the order help and the README table show them. */
    public static final List<Setting<?>> SETTINGS = Stream.of(
        Stream.<Setting<?>>of(HOST, PORT),
        EngineConfig.SETTINGS.stream(),
        dev.strand.cluster.ClusterSettings.SETTINGS.stream(),
        Stream.<Setting<?>>of(BODY_LIMIT, MAX_HEADER_SIZE, MAX_BATCH_COMMANDS, API_KEYS, WS_ALLOWED_ORIGINS, WS_MAX_FRAME_SIZE,
            WS_MAX_MESSAGE_SIZE, WS_MAX_IN_FLIGHT, MAX_CONNECTIONS, IDLE_TIMEOUT, REQUEST_TIMEOUT, READ_WAIT_TIMEOUT,
            EVENTS_MAX_LIMIT, EVENTS_MAX_SCAN, QUERY_THREADS, EVENT_LOOPS, SHUTDOWN_TIMEOUT, LOG_FORMAT, TLS_CERT, TLS_KEY,
            INSECURE, BACKUP_DIR))
        .flatMap(s -> s).toList();

    private final SettingValues values;

    private GatewayConfig(final SettingValues values)
    {
        this.values = values;
        try
        {
            // the rules across journal settings, checked now rather than when the engine starts
            JournalConfig.builder(dataDir().resolve("journal")).apply(values).build();
        }
        catch (final SettingException ex)
        {
            throw values.explain(ex);
        }
        dev.strand.cluster.ClusterSettings.check(values);
        checkTls();
        if (!insecure() && apiKeys().isEmpty() && !isLoopback(host()))
        {
            throw new ConfigException(
                "refusing to bind " + host() + " without API keys: set --api-keys (or STRAND_API_KEYS), " +
                    "bind a loopback address, or pass --insecure");
        }
    }

    /**
     * @param flags flag values by setting name (no {@code --}).
     * @param env   the environment.
     * @return the checked configuration.
     * @throws ConfigException naming the flag or variable of the first bad value.
     */
    public static GatewayConfig from(final Map<String, String> flags, final Map<String, String> env)
    {
        return from(flags, dev.strand.config.ConfigFile.NONE, env);
    }

    /**
     * @param file the configuration file's lines ({@code --config}): flags beat them, they beat the environment.
     */
    public static GatewayConfig from(final Map<String, String> flags, final dev.strand.config.ConfigFile file,
        final Map<String, String> env)
    {
        return new GatewayConfig(SettingValues.resolve(SETTINGS, flags, file, env));
    }

    /** Defaults plus the given flag values, by setting name, ignoring the environment: for tests. */
    public static GatewayConfig of(final Map<String, String> flags)
    {
        return from(flags, Map.of());
    }

    /**
     * The engine's configuration derived from these settings (the caller may adjust it before {@code build()}).
     * Each call gives a new builder.
     */
    public EngineConfig.Builder engineConfig()
    {
        return EngineConfig.builder(dataDir()).apply(values);
    }

    /**
     * Builds the engine configuration, explaining a value the engine refuses with the flag or variable it came from.
     */
    EngineConfig buildEngineConfig(final EngineConfig.Builder builder)
    {
        try
        {
            return builder.build();
        }
        catch (final SettingException ex)
        {
            throw values.explain(ex);
        }
    }

    /** The resolved values and where each came from. */
    public SettingValues values()
    {
        return values;
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

    /** Both or neither; each a readable PEM file of the right kind: refused at start with one line, not at bind. */
    private void checkTls()
    {
        final Path cert = values.get(TLS_CERT);
        final Path key = values.get(TLS_KEY);
        if ((cert == null) != (key == null))
        {
            throw new ConfigException(cert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (cert == null)
        {
            return;
        }
        pem(TLS_CERT, cert, "CERTIFICATE");
        pem(TLS_KEY, key, "PRIVATE KEY");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(cert))
        {
            if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty())
            {
                throw new ConfigException(values.source(TLS_CERT) + ": no certificate in it");
            }
        }
        catch (final java.io.IOException | java.security.cert.CertificateException ex)
        {
            throw new ConfigException(values.source(TLS_CERT) + ": not a PEM certificate: " + ex.getMessage());
        }
    }

    private void pem(final Setting<Path> setting, final Path file, final String kind)
    {
        final String text;
        try
        {
            text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            throw new ConfigException(values.source(setting) + ": no such file");
        }
        catch (final java.io.IOException ex)
        {
            throw new ConfigException(values.source(setting) + ": cannot be read: " + ex.getMessage());
        }
        if (text.contains("ENCRYPTED"))
        {
            throw new ConfigException(values.source(setting) + ": an encrypted key is not supported: decrypt it " +
                "(openssl pkey -in key.pem -out plain.pem) and keep the file readable by this user only");
        }
        if (!text.contains("-----BEGIN ") || !text.contains(kind + "-----"))
        {
            throw new ConfigException(values.source(setting) + ": not a PEM file with a " + kind +
                (kind.equals("PRIVATE KEY") ? " (an encrypted key is not supported: decrypt it with openssl pkey)" : ""));
        }
    }

    /** True when the server speaks HTTPS ({@code --tls-cert} and {@code --tls-key}). */
    public boolean tls()
    {
        return values.get(TLS_CERT) != null;
    }

    public Path tlsCert()
    {
        return values.get(TLS_CERT);
    }

    public Path tlsKey()
    {
        return values.get(TLS_KEY);
    }

    /** True when this process is a member of a cluster ({@code --cluster-members}). */
    public boolean clustered()
    {
        return dev.strand.cluster.ClusterSettings.clustered(values);
    }

    /** This process's member of {@code --cluster-members}; only when {@link #clustered()}. */
    public dev.strand.cluster.ClusterMembers.Member clusterMember()
    {
        return values.get(dev.strand.cluster.ClusterSettings.CLUSTER_MEMBERS)
            .member(values.get(dev.strand.cluster.ClusterSettings.MEMBER_ID));
    }

    public String host()
    {
        return values.get(HOST);
    }

    public int port()
    {
        return values.get(PORT);
    }

    public Path dataDir()
    {
        return values.get(EngineConfig.DATA_DIR);
    }

    public Durability durability()
    {
        return values.get(JournalConfig.DURABILITY);
    }

    public long bodyLimit()
    {
        return values.get(BODY_LIMIT);
    }

    public int maxHeaderSize()
    {
        return Math.toIntExact(values.get(MAX_HEADER_SIZE));
    }

    public int maxBatchCommands()
    {
        return values.get(MAX_BATCH_COMMANDS);
    }

    public ApiKeys apiKeys()
    {
        return values.get(API_KEYS);
    }

    public List<String> wsAllowedOrigins()
    {
        return values.get(WS_ALLOWED_ORIGINS);
    }

    public int wsMaxFrameSize()
    {
        return Math.toIntExact(values.get(WS_MAX_FRAME_SIZE));
    }

    public int wsMaxMessageSize()
    {
        return Math.toIntExact(values.get(WS_MAX_MESSAGE_SIZE));
    }

    public int wsMaxInFlight()
    {
        return values.get(WS_MAX_IN_FLIGHT);
    }

    public int maxConnections()
    {
        return values.get(MAX_CONNECTIONS);
    }

    public int idleTimeoutSeconds()
    {
        return values.get(IDLE_TIMEOUT);
    }

    public long requestTimeoutMs()
    {
        return values.get(REQUEST_TIMEOUT);
    }

    public long readWaitTimeoutMs()
    {
        return values.get(READ_WAIT_TIMEOUT);
    }

    public int eventsMaxLimit()
    {
        return values.get(EVENTS_MAX_LIMIT);
    }

    public int eventsMaxScan()
    {
        return values.get(EVENTS_MAX_SCAN);
    }

    public int queryThreads()
    {
        return values.get(QUERY_THREADS);
    }

    public int eventLoops()
    {
        return values.get(EVENT_LOOPS);
    }

    public int shutdownTimeoutSeconds()
    {
        return values.get(SHUTDOWN_TIMEOUT);
    }

    public LogFormat logFormat()
    {
        return values.get(LOG_FORMAT);
    }

    public boolean insecure()
    {
        return values.get(INSECURE);
    }

    public Path backupDir()
    {
        return values.get(BACKUP_DIR);
    }
}
