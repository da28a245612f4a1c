package dev.strand.bench.load;

import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The run's text outputs: the percentile table, the .hgrm files and summary.txt. */
public final class Reports
{
    /** Percentiles in the stdout table. */
    static final double[] TABLE_PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private Reports()
    {
    }

    /** A microsecond value as milliseconds with 3 decimals. */
    public static String ms(final long micros)
    {
        return String.format(Locale.ROOT, "%.3fms", micros / 1000.0);
    }

    /** The summary table of one run. */
    public static String table(final RunResult r)
    {
        final StringBuilder sb = new StringBuilder(1024);
        final LoadOptions o = r.options();
        sb.append(String.format(Locale.ROOT, "%n== %s%n", o.describe()));
        sb.append(String.format(Locale.ROOT,
            "offered %,.0f cmd/s for %.0fs: sent %,d requests, answered %,d (%,.0f/s), accepted commands %,d (%,.0f/s), " +
                "rejected %,d, errors %,d (%.4f%%)%n",
            o.rate, r.seconds(), r.sent(), r.ok() + r.rejected(), r.answeredPerSecond(), r.commandsAccepted(),
            r.acceptedCommandsPerSecond(), r.commandsRejected(), r.errors(), 100 * r.errorRatio()));
        for (final Map.Entry<String, Long> e : r.errorBreakdown().entrySet())
        {
            sb.append(String.format(Locale.ROOT, "  error %-32s %,d%n", e.getKey(), e.getValue()));
        }
        sb.append(String.format(Locale.ROOT, "%n%-34s %10s", "latency (from intended send time)", "count"));
        for (final double p : TABLE_PERCENTILES)
        {
            sb.append(String.format(Locale.ROOT, " %11s", "p" + trim(p)));
        }
        sb.append(String.format(Locale.ROOT, " %11s %11s%n", "max", "mean"));
        row(sb, "http request", r.latency());
        if (r.wsLag() != null)
        {
            row(sb, "ws ack-to-arrival lag", r.wsLag());
        }
        row(sb, "client send lateness", r.sendLag());
        for (final RunResult.SubscriberStats s : r.subscribers())
        {
            sb.append(String.format(Locale.ROOT,
                "subscriber %d: received %,d, last position %d, gaps %d, duplicates %d, before-ack %,d, unmatched %,d, " +
                    "closed-slow(4008) %d, closed-other %d%n",
                s.id(), s.received(), s.lastPosition(), s.gaps(), s.duplicates(), s.beforeAck(), s.unmatched(), s.closedSlow(),
                s.closedOther()));
        }
        return sb.toString();
    }

    private static void row(final StringBuilder sb, final String name, final Histogram h)
    {
        sb.append(String.format(Locale.ROOT, "%-34s %,10d", name, h.getTotalCount()));
        for (final double p : TABLE_PERCENTILES)
        {
            sb.append(String.format(Locale.ROOT, " %11s", h.getTotalCount() == 0 ? "-" : ms(h.getValueAtPercentile(p))));
        }
        sb.append(String.format(Locale.ROOT, " %11s %11s%n",
            h.getTotalCount() == 0 ? "-" : ms(h.getMaxValue()),
            h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.3fms", h.getMean() / 1000.0)));
    }

    static String trim(final double d)
    {
        return d == Math.rint(d) ? Long.toString((long)d) : Double.toString(d);
    }

    /** The percentile distribution in HdrHistogram's .hgrm text format, values in milliseconds. */
    public static String hgrm(final Histogram h)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.US_ASCII))
        {
            h.outputPercentileDistribution(ps, 5, 1000.0);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /** Writes latency.hgrm (and ws-lag.hgrm, send-lag.hgrm), summary.txt and report.html into the run's directory. */
    public static void writeAll(final RunResult r)
    {
        final Path dir = r.options().out;
        try
        {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("latency.hgrm"), hgrm(r.latency()));
            Files.writeString(dir.resolve("send-lag.hgrm"), hgrm(r.sendLag()));
            if (r.wsLag() != null)
            {
                Files.writeString(dir.resolve("ws-lag.hgrm"), hgrm(r.wsLag()));
            }
            Files.writeString(dir.resolve("summary.txt"), table(r));
            Files.writeString(dir.resolve("report.html"), HtmlReport.run(r));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
