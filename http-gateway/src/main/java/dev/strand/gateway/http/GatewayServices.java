package dev.strand.gateway.http;

import dev.strand.engine.api.Engine;
import dev.strand.gateway.GatewayConfig;
import dev.strand.gateway.metrics.ProblemMeters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every HTTP verticle instance shares: the engine, the settings, the meter registry, the worker pool for
 * blocking journal reads, the connection count, the draining flag, the live WebSocket subscribers, the console's
 * figures and the counters of problem answers.
 */
public record GatewayServices(
    Engine engine,
    GatewayConfig config,
    PrometheusMeterRegistry registry,
    WorkerExecutor queryWorkers,
    Buffer openApiDocument,
    AtomicInteger connections,
    AtomicBoolean draining,
    Subscribers subscribers,
    ConsoleStats stats,
    ProblemMeters problems)
{
    public boolean isDraining()
    {
        return draining.get();
    }
}
