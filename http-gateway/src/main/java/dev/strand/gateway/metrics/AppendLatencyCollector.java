package dev.strand.gateway.metrics;

import dev.strand.engine.api.EngineMetrics;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import org.HdrHistogram.Histogram;

/**
 * {@code strand_append_latency_seconds}: a Prometheus summary built on scrape from the engine's HdrHistogram (ingress
 * stamp to journaled, since start), with quantiles 0.5, 0.9, 0.99, 0.999 and 1 (the maximum).
 */
final class AppendLatencyCollector implements Collector
{
    static final String NAME = "strand_append_latency_seconds";
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};
    private static final double NANOS_PER_SECOND = 1e9;

    private final EngineMetrics metrics;

    AppendLatencyCollector(final EngineMetrics metrics)
    {
        this.metrics = metrics;
    }

    @Override
    public MetricSnapshot collect()
    {
        final Histogram h = metrics.appendLatency();
        final long count = h.getTotalCount();
        final Quantile[] quantiles = new Quantile[QUANTILES.length];
        for (int i = 0; i < QUANTILES.length; i++)
        {
            final double value = count == 0 ? 0 : h.getValueAtPercentile(QUANTILES[i] * 100.0) / NANOS_PER_SECOND;
            quantiles[i] = new Quantile(QUANTILES[i], value);
        }
        return SummarySnapshot.builder()
            .name(NAME)
            .help("Command append latency, ingress to journaled, since start")
            .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                .count(count)
                .sum(count == 0 ? 0 : h.getMean() * count / NANOS_PER_SECOND)
                .quantiles(Quantiles.of(quantiles))
                .build())
            .build();
    }

    @Override
    public String getPrometheusName()
    {
        return NAME;
    }
}
