package dev.strand.gateway.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AppendLatencyCollectorTest
{
    private static final Pattern BUCKET = Pattern.compile("^strand_append_latency_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)$");

    @Test
    void shouldExposeCumulativeBucketsInSecondsWithCountAndSum() throws IOException
    {
        final Histogram h = new Histogram(3);
        h.recordValue(micros(7));      // <= 10 us
        h.recordValue(micros(40));     // <= 50 us
        h.recordValue(micros(900));    // <= 1 ms
        h.recordValue(micros(4_000));  // <= 5 ms
        h.recordValue(micros(6_000));  // <= 10 ms
        h.recordValue(TimeUnit.SECONDS.toNanos(30)); // above 10 s: only +Inf

        final String text = text(h);
        final Map<Double, Double> buckets = buckets(text);
        assertThat(buckets).hasSize(AppendLatencyCollector.BOUNDS_SECONDS.length + 1);
        assertThat(buckets.get(0.00001)).isEqualTo(1);
        assertThat(buckets.get(0.000025)).isEqualTo(1);
        assertThat(buckets.get(0.00005)).isEqualTo(2);
        assertThat(buckets.get(0.0005)).isEqualTo(2);
        assertThat(buckets.get(0.001)).isEqualTo(3);
        assertThat(buckets.get(0.0025)).isEqualTo(3);
        assertThat(buckets.get(0.005)).isEqualTo(4);
        assertThat(buckets.get(0.01)).isEqualTo(5);
        assertThat(buckets.get(10.0)).isEqualTo(5);
        assertThat(buckets.get(Double.POSITIVE_INFINITY)).isEqualTo(6);
        assertThat(text).contains("# TYPE strand_append_latency_seconds histogram")
            .contains("strand_append_latency_seconds_count 6");
        final double sum = Double.parseDouble(sample(text, "strand_append_latency_seconds_sum"));
        assertThat(sum).isCloseTo(30.010947, within(30.010947 * 0.001));

        double previous = 0;
        for (final double count : buckets.values())
        {
            assertThat(count).as("cumulative").isGreaterThanOrEqualTo(previous);
            previous = count;
        }
    }

    @Test
    void shouldCountAValueAtABoundInThatBucket() throws IOException
    {
        final Histogram h = new Histogram(3);
        h.recordValue(micros(5_000));
        h.recordValue(micros(5_000) + 1);
        h.recordValue(micros(5_100));
        final Map<Double, Double> buckets = buckets(text(h));
        assertThat(buckets.get(0.0025)).isZero();
        assertThat(buckets.get(0.005)).as("5 ms and 1 ns more are the same value to 3 significant digits").isEqualTo(2);
        assertThat(buckets.get(0.01)).isEqualTo(3);
    }

    @Test
    void shouldExposeZeroesBeforeTheFirstCommand() throws IOException
    {
        final String text = text(new Histogram(3));
        assertThat(buckets(text).values()).allMatch(c -> c == 0);
        assertThat(text).contains("strand_append_latency_seconds_count 0").contains("strand_append_latency_seconds_sum 0.0");
    }

    private static long micros(final long us)
    {
        return TimeUnit.MICROSECONDS.toNanos(us);
    }

    private static String text(final Histogram h) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, MetricSnapshots.of(AppendLatencyCollector.snapshot(h)));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<Double, Double> buckets(final String text)
    {
        final Map<Double, Double> buckets = new LinkedHashMap<>();
        for (final String line : text.split("\n"))
        {
            final Matcher m = BUCKET.matcher(line);
            if (m.matches())
            {
                buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
                    Double.parseDouble(m.group(2)));
            }
        }
        return buckets;
    }

    private static String sample(final String text, final String name)
    {
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + text);
    }
}
