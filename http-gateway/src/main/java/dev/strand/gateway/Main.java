package dev.strand.gateway;

import dev.strand.gateway.http.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.Map;

/**
 * {@code java -jar strand.jar [--flag value]...}: starts the engine and the HTTP gateway; SIGTERM or SIGINT stops
 * them gracefully and exits 0. {@code java -jar strand.jar hash-key <key>} prints the SHA-256 hash to put in
 * {@code --api-keys}.
 */
public final class Main
{
    private static final int EXIT_BAD_CONFIG = 2;
    private static final int EXIT_START_FAILED = 1;

    private static final Object STOP_LOCK = new Object();
    private static Gateway running;
    private static boolean stopped;

    private Main()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length == 2 && "hash-key".equals(args[0]))
        {
            System.out.println(ApiKeys.sha256Hex(args[1]));
            return;
        }
        if (args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0])))
        {
            System.out.print(GatewayConfig.describe());
            return;
        }
        final GatewayConfig config;
        try
        {
            config = GatewayConfig.from(args, System.getenv());
        }
        catch (final ConfigException ex)
        {
            System.err.println("strand: " + ex.getMessage());
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        prepareProcess(config);
        final Logger log = LoggerFactory.getLogger(Main.class);

        final Gateway gateway;
        try
        {
            gateway = Gateway.start(config);
        }
        catch (final RuntimeException | Error ex)
        {
            log.error("strand failed to start: {}", ex.getMessage(), ex);
            System.exit(EXIT_START_FAILED);
            return;
        }
        synchronized (STOP_LOCK)
        {
            running = gateway;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Main::stop, "strand-shutdown-hook"));
        for (final String name : new String[] {"TERM", "INT"})
        {
            Signal.handle(new Signal(name), signal -> new Thread(() ->
            {
                log.info("SIG{} received: draining and stopping", signal.getName());
                stop();
                System.exit(0);
            }, "strand-signal").start());
        }
        log.info("strand listening on http://{}:{} data={} durability={} recovery={} ms auth={}",
            config.host(), gateway.port(), config.dataDir().toAbsolutePath().normalize(), config.durability(),
            gateway.recoveryMillis(), config.apiKeys().isEmpty() ? "off" : "api-keys");
    }

    /** Stops the running gateway once; concurrent callers wait until it has stopped. */
    static void stop()
    {
        synchronized (STOP_LOCK)
        {
            if (stopped || running == null)
            {
                return;
            }
            stopped = true;
            final Logger log = LoggerFactory.getLogger(Main.class);
            final long start = System.nanoTime();
            try
            {
                running.close();
                log.info("strand stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
            }
            catch (final RuntimeException ex)
            {
                log.error("strand did not stop cleanly", ex);
            }
        }
    }

    /** Process-wide settings that must be in place before Chronicle, Vert.x or logback first load. */
    static void prepareProcess(final GatewayConfig config)
    {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        if (System.getProperty("logback.configurationFile") == null)
        {
            System.setProperty("logback.configurationFile", "json".equals(config.logFormat()) ? "logback-json.xml" : "logback.xml");
        }
    }

    /** For tests: the environment-free config of {@code args}. */
    static GatewayConfig parse(final String... args)
    {
        return GatewayConfig.from(args, Map.of());
    }
}
