package dev.strand.gateway.http;

import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineMetrics;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * {@code GET /stats}: the few figures the console charts, as one small JSON object: counters since start (the console
 * derives rates from two readings), the append latency of the last interval (at least {@link #INTERVAL_MS} long,
 * shared by every caller: the difference of two readings of the engine's cumulative histogram), positions and lag.
 * Thread-safe; reads nothing on the engine's hot path.
 */
public final class ConsoleStats
{
    static final long INTERVAL_MS = 900;
    private static final double NANOS_PER_MICRO = 1_000.0;

    private final Engine engine;
    private Histogram previous;
    private long previousAtMs;
    private Histogram interval = new Histogram(3);

    public ConsoleStats(final Engine engine)
    {
        this.engine = engine;
    }

    synchronized JsonObject read()
    {
        final EngineMetrics m = engine.metrics();
        final long now = System.currentTimeMillis();
        if (previous == null || now - previousAtMs >= INTERVAL_MS)
        {
            final Histogram current = m.appendLatency();
            if (previous != null)
            {
                final Histogram delta = current.copy();
                delta.subtract(previous);
                interval = delta;
            }
            previous = current;
            previousAtMs = now;
        }
        final long journal = m.journalPosition();
        final long readModel = m.readModelPosition();
        return new JsonObject()
            .put("time", now)
            .put("commandsAccepted", m.commandsAccepted())
            .put("commandsRejected", m.commandsRejected())
            .put("commandsReplayed", m.commandsReplayed())
            .put("commandsUnavailable", m.commandsOverloaded() + m.commandsHalted() + m.commandsCapacityRefused())
            .put("commandsFailed", m.commandsFailed())
            .put("appendLatencyMicros", new JsonObject()
                .put("count", interval.getTotalCount())
                .put("p50", micros(interval, 50))
                .put("p99", micros(interval, 99))
                .put("p999", micros(interval, 99.9))
                .put("max", interval.getTotalCount() == 0 ? 0 : interval.getMaxValue() / NANOS_PER_MICRO))
            .put("journalPosition", journal)
            .put("readModelPosition", readModel)
            .put("readModelLag", Math.max(0, journal - readModel))
            .put("subscriptions", m.subscriptions())
            .put("state", engine.status().state().name())
            .put("role", engine.cluster().role());
    }

    private static double micros(final Histogram h, final double percentile)
    {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
    }
}
