package dev.strand.gateway;

import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.gateway.http.GatewayServices;
import dev.strand.gateway.http.HttpVerticle;
import dev.strand.gateway.http.Subscribers;
import dev.strand.gateway.metrics.EngineMeters;
import dev.strand.gateway.metrics.ProblemMeters;
import dev.strand.gateway.metrics.ResponseTimeBuckets;
import dev.strand.journal.DirectoryNotWritableException;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The running server: the engine, Vert.x with Micrometer metrics, one {@link HttpVerticle} per event loop. Starts in
 * that order and closes in reverse: readiness DOWN, subscribers told (1001 with their last position), HTTP servers
 * shut down gracefully (in-flight requests finish, new ones get 503), engine drained and snapshotted, Vert.x closed.
 */
public final class Gateway implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final long START_TIMEOUT_SECONDS = 60;
    /**
     * Micrometer's JVM binders export three names that {@code promtool check metrics} rejects (abbreviated units
     * {@code _ms}/{@code _ns}, a gauge ending in {@code _count}); they are left out.
     */
    private static final java.util.Set<String> LINT_FAILING_METERS =
        java.util.Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");

    private final GatewayConfig config;
    private final Engine engine;
    private final Vertx vertx;
    private final WorkerExecutor queryWorkers;
    private final GatewayServices services;
    private final List<String> deployments;
    private final int port;
    private final long recoveryMillis;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Gateway(
        final GatewayConfig config,
        final Engine engine,
        final Vertx vertx,
        final WorkerExecutor queryWorkers,
        final GatewayServices services,
        final List<String> deployments,
        final int port,
        final long recoveryMillis)
    {
        this.config = config;
        this.engine = engine;
        this.vertx = vertx;
        this.queryWorkers = queryWorkers;
        this.services = services;
        this.deployments = deployments;
        this.port = port;
        this.recoveryMillis = recoveryMillis;
    }

    public static Gateway start(final GatewayConfig config)
    {
        return start(config, builder -> { });
    }

    /** Starts with engine settings adjusted by {@code engineCustomizer} (tests use it for modules and clocks). */
    public static Gateway start(final GatewayConfig config, final Consumer<EngineConfig.Builder> engineCustomizer)
    {
        final EngineConfig.Builder engineConfig = config.engineConfig();
        engineCustomizer.accept(engineConfig);
        final EngineConfig built = config.buildEngineConfig(engineConfig);
        // The port first: a busy port fails the start before the journal is recovered.
        final PortReservation reservation = PortReservation.bind(config.host(), config.port());
        if (config.clustered())
        {
            try
            {
                final dev.strand.cluster.ClusterMembers.Member self = config.clusterMember();
                PortReservation.checkClusterPorts(self.host(), self.basePort());
            }
            catch (final RuntimeException ex)
            {
                reservation.close();
                throw ex;
            }
        }
        final long startNanos = System.nanoTime();
        final Engine engine;
        try
        {
            prepareDataDirectory(built.dataDir());
            engine = config.clustered() ?
                dev.strand.cluster.ClusteredEngine.start(
                    dev.strand.cluster.ClusterSettings.nodeConfig(config.values(), built),
                    dev.strand.cluster.ClusterSettings.writeTimeoutNs(config.values())) :
                Engine.start(built);
        }
        catch (final RuntimeException | Error ex)
        {
            reservation.close();
            throw ex;
        }
        final long recoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        Vertx vertx = null;
        try
        {
            final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.config().meterFilter(MeterFilter.deny(id -> LINT_FAILING_METERS.contains(id.getName())))
                .meterFilter(new ResponseTimeBuckets());
            final MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true);
            vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setMetricsOptions(metricsOptions))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
            final WorkerExecutor queryWorkers = vertx.createSharedWorkerExecutor("strand-query", config.queryThreads());
            final Subscribers subscribers = new Subscribers(config.wsMaxFrameSize());
            EngineMeters.register(registry, engine, subscribers, recoveryMillis);
            final GatewayServices services = new GatewayServices(
                engine,
                config,
                registry,
                queryWorkers,
                openApiDocument(),
                new AtomicInteger(),
                new AtomicBoolean(),
                subscribers,
                new dev.strand.gateway.http.ConsoleStats(engine),
                ProblemMeters.register(registry, engine.cluster().clustered()));

            final int port = reservation.port();
            final List<String> deployments = new ArrayList<>();
            reservation.release();
            try
            {
                deployments.add(await(vertx.deployVerticle(
                    () -> new HttpVerticle(services, port),
                    new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP).setInstances(config.eventLoops()))));
            }
            catch (final RuntimeException ex)
            {
                throw bindFailure(ex, config.host(), port);
            }
            return new Gateway(config, engine, vertx, queryWorkers, services, deployments, port, recoveryMillis);
        }
        catch (final RuntimeException | Error ex)
        {
            reservation.close();
            if (vertx != null)
            {
                vertx.close();
            }
            engine.close();
            throw ex;
        }
    }

    public int port()
    {
        return port;
    }

    public Engine engine()
    {
        return engine;
    }

    public GatewayConfig config()
    {
        return config;
    }

    public long recoveryMillis()
    {
        return recoveryMillis;
    }

    /** Graceful stop; idempotent. */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        services.draining().set(true);
        services.subscribers().closeAllForShutdown();
        for (int i = deployments.size() - 1; i >= 0; i--)
        {
            try
            {
                awaitFor(vertx.undeploy(deployments.get(i)), config.shutdownTimeoutSeconds() + 5L);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("HTTP servers did not stop cleanly: {}", ex.toString());
            }
        }
        try
        {
            engine.close();
        }
        finally
        {
            try
            {
                awaitFor(queryWorkers.close(), 5);
                awaitFor(vertx.close(), 10);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("Vert.x did not close cleanly: {}", ex.toString());
            }
        }
    }

    /** Creates the data directory if needed; one that cannot be created or written is refused, naming it. */
    private static void prepareDataDirectory(final java.nio.file.Path dir)
    {
        try
        {
            java.nio.file.Files.createDirectories(dir);
        }
        catch (final java.nio.file.AccessDeniedException ex)
        {
            throw new DirectoryNotWritableException("data directory", dir, "permission denied");
        }
        catch (final java.nio.file.FileAlreadyExistsException ex)
        {
            throw new DirectoryNotWritableException("data directory", dir, "a file is in the way: " + ex.getFile());
        }
        catch (final java.nio.file.FileSystemException ex)
        {
            throw new DirectoryNotWritableException("data directory", dir, ex.getReason() != null ? ex.getReason() : ex.toString());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the data directory " + dir, ex);
        }
        if (!java.nio.file.Files.isWritable(dir))
        {
            throw new DirectoryNotWritableException("data directory", dir, "permission denied");
        }
    }

    /** A deployment that failed to bind (another process took the port after the reservation) names host:port. */
    private static RuntimeException bindFailure(final RuntimeException ex, final String host, final int port)
    {
        for (Throwable t = ex; t != null; t = t.getCause())
        {
            if (t instanceof java.net.BindException)
            {
                return new PortInUseException("port " + host + ":" + port + " is in use by another process", true);
            }
        }
        return ex;
    }

    private static Buffer openApiDocument()
    {
        try (InputStream in = Gateway.class.getResourceAsStream("/openapi.yaml"))
        {
            if (in == null)
            {
                throw new IllegalStateException("openapi.yaml is missing from the class path");
            }
            return Buffer.buffer(in.readAllBytes());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static <T> T await(final io.vertx.core.Future<T> future)
    {
        return awaitFor(future, START_TIMEOUT_SECONDS);
    }

    private static <T> T awaitFor(final io.vertx.core.Future<T> future, final long seconds)
    {
        try
        {
            return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException re)
            {
                throw re;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new IllegalStateException("timed out after " + seconds + " s", ex);
        }
    }
}
