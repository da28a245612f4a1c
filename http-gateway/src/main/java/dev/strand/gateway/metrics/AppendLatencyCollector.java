package dev.strand.gateway.metrics;

import dev.strand.engine.api.EngineMetrics;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.Arrays;

/**
 * {@code strand_append_latency_seconds}: a Prometheus histogram built on scrape from the engine's HdrHistogram
 * (ingress stamp to journaled, since start, so every bucket is a counter). The buckets run from 10 µs to 10 s, 1, 2.5
 * and 5 per decade, so that {@code histogram_quantile} has a bound near every figure an SLO names (1 ms, 5 ms, 10 ms,
 * ...). An HdrHistogram bucket that straddles a bound (at most 0.1% of the value wide: 3 significant digits) is
 * counted at and below it, as {@code Histogram.getCountBetweenValues} counts; the sum is the HdrHistogram's mean times
 * its count, exact to the same resolution.
 */
final class AppendLatencyCollector implements Collector
{
    static final String NAME = "strand_append_latency_seconds";
    /** Upper bounds in seconds; {@code +Inf} is added on top. */
    static final double[] BOUNDS_SECONDS = {
        0.00001, 0.000025, 0.00005,
        0.0001, 0.00025, 0.0005,
        0.001, 0.0025, 0.005,
        0.01, 0.025, 0.05,
        0.1, 0.25, 0.5,
        1, 2.5, 5,
        10,
    };
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] UPPER_BOUNDS = withInfinity(BOUNDS_SECONDS);
    private static final long[] BOUNDS_NANOS = nanos(BOUNDS_SECONDS);

    private final EngineMetrics metrics;

    AppendLatencyCollector(final EngineMetrics metrics)
    {
        this.metrics = metrics;
    }

    @Override
    public MetricSnapshot collect()
    {
        return snapshot(metrics.appendLatency());
    }

    /** The histogram of {@code h} (values in nanoseconds). */
    static HistogramSnapshot snapshot(final Histogram h)
    {
        final long[] counts = new long[UPPER_BOUNDS.length];
        int bucket = 0;
        for (final HistogramIterationValue v : h.recordedValues())
        {
            final long lowest = h.lowestEquivalentValue(v.getValueIteratedTo());
            while (bucket < BOUNDS_NANOS.length && lowest > BOUNDS_NANOS[bucket])
            {
                bucket++;
            }
            counts[bucket] += v.getCountAtValueIteratedTo();
        }
        final long count = h.getTotalCount();
        return HistogramSnapshot.builder()
            .name(NAME)
            .help("Command append latency, ingress to journaled, since start")
            .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, counts))
                .sum(count == 0 ? 0 : h.getMean() * count / NANOS_PER_SECOND)
                .build())
            .build();
    }

    @Override
    public String getPrometheusName()
    {
        return NAME;
    }

    private static double[] withInfinity(final double[] bounds)
    {
        final double[] all = Arrays.copyOf(bounds, bounds.length + 1);
        all[bounds.length] = Double.POSITIVE_INFINITY;
        return all;
    }

    private static long[] nanos(final double[] seconds)
    {
        final long[] nanos = new long[seconds.length];
        for (int i = 0; i < seconds.length; i++)
        {
            nanos[i] = Math.round(seconds[i] * NANOS_PER_SECOND);
        }
        return nanos;
    }
}
