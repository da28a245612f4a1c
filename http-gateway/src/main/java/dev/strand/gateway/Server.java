package dev.strand.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * The {@code serve} command's lifecycle: process-wide settings, {@link Gateway#start}, the start-up line, then waiting
 * until SIGTERM or SIGINT (or the JVM's shutdown) stops the gateway gracefully. A start that fails throws: the
 * command line turns that into one line and an exit status ({@link dev.strand.gateway.cli.ExitCode}).
 */
public final class Server
{
    private static final Object STOP_LOCK = new Object();
    private static final CountDownLatch STOPPED = new CountDownLatch(1);
    private static Gateway running;
    private static boolean stopped;

    private Server()
    {
    }

    /**
     * Starts the server and returns when it has been stopped by a signal.
     *
     * @param config the checked configuration.
     * @return the exit status, 0.
     */
    public static int serve(final GatewayConfig config)
    {
        prepareProcess(config);
        final Logger log = LoggerFactory.getLogger(Server.class);
        final Gateway gateway = Gateway.start(config);
        synchronized (STOP_LOCK)
        {
            running = gateway;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Server::stop, "strand-shutdown-hook"));
        for (final String name : new String[] {"TERM", "INT"})
        {
            Signal.handle(new Signal(name), signal -> new Thread(() ->
            {
                log.info("SIG{} received: draining and stopping", signal.getName());
                stop();
            }, "strand-signal").start());
        }
        log.info("strand listening on {}://{}:{} data={} durability={} recovery={} ms auth={}",
            config.tls() ? "https" : "http", config.host(), gateway.port(), config.dataDir().toAbsolutePath().normalize(),
            dev.strand.journal.JournalConfig.DURABILITY.type().format(config.durability()),
            gateway.recoveryMillis(), config.apiKeys().isEmpty() ? "off" : "api-keys");
        try
        {
            STOPPED.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            stop();
        }
        return 0;
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
            final Logger log = LoggerFactory.getLogger(Server.class);
            final long start = System.nanoTime();
            try
            {
                running.close();
                log.info("strand stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
            }
            catch (final RuntimeException ex)
            {
                log.error("strand did not stop cleanly: {}", ex.toString());
            }
            finally
            {
                STOPPED.countDown();
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
            System.setProperty("logback.configurationFile",
                config.logFormat() == GatewayConfig.LogFormat.JSON ? "logback-json.xml" : "logback.xml");
        }
    }
}
