package dev.strand.gateway.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Gives Vert.x's HTTP server response time the append latency's buckets, so it is exported as a Prometheus
 * histogram ({@code vertx_http_server_response_time_seconds_bucket{le}}) rather than a summary since start: a P99
 * can then be windowed and aggregated across nodes with {@code histogram_quantile}. The bounds are the same
 * 10 µs .. 10 s as {@code strand_append_latency_seconds}, so both read on one scale.
 */
public final class ResponseTimeBuckets implements MeterFilter
{
    /** The Micrometer name of the timer Vert.x records for every answered request. */
    static final String METER = "vertx.http.server.response.time";

    private static final double[] BOUNDS_NANOS = nanos(AppendLatencyCollector.BOUNDS_SECONDS);

    @Override
    public DistributionStatisticConfig configure(final Meter.Id id, final DistributionStatisticConfig config)
    {
        if (!METER.equals(id.getName()))
        {
            return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(BOUNDS_NANOS)
            .build()
            .merge(config);
    }

    private static double[] nanos(final double[] seconds)
    {
        final double[] nanos = new double[seconds.length];
        for (int i = 0; i < seconds.length; i++)
        {
            nanos[i] = seconds[i] * 1e9;
        }
        return nanos;
    }
}
