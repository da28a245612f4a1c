package dev.strand.bench.load;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;

/**
 * The self-contained HTML report of a run (and of a sweep): inline SVG charts of the latency percentiles over time,
 * the throughput over time and the percentile spectrum, plus the summary table. Open it with any browser, offline.
 */
final class HtmlReport
{
    /** The spectrum's x axis: log10(1 / (1 - p)). 0 = 0%, 1 = 90%, 2 = 99%, ... */
    static final double[] SPECTRUM_TICKS = {0, 1, 2, 3, 4, 5, 6};
    static final String[] SPECTRUM_LABELS = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};

    private HtmlReport()
    {
    }

    static String run(final RunResult r)
    {
        final StringBuilder sb = new StringBuilder(64 * 1024);
        header(sb, "Strand load run: " + String.format(Locale.ROOT, "%,.0f cmd/s", r.options().rate));
        sb.append("<p>").append(escape(r.options().describe())).append("</p>\n");
        sb.append("<pre>").append(escape(Reports.table(r))).append("</pre>\n");
        sb.append(overTime("HTTP latency percentiles per interval (from the intended send time)", r.latencyIntervals()));
        sb.append(throughput(r.latencyIntervals()));
        if (r.wsLag() != null)
        {
            sb.append(overTime("WebSocket ack-to-arrival lag per interval", r.wsLagIntervals()));
        }
        final SvgChart spectrum = new SvgChart("Percentile spectrum", "percentile", "milliseconds", true)
            .xTicks(SPECTRUM_TICKS, SPECTRUM_LABELS);
        addSpectrum(spectrum, "http latency", r.latency());
        if (r.wsLag() != null)
        {
            addSpectrum(spectrum, "ws lag", r.wsLag());
        }
        addSpectrum(spectrum, "client send lateness", r.sendLag());
        sb.append(spectrum.render());
        sb.append("<p>Files beside this page: latency.hlog (interval log, HdrHistogram), latency.hgrm (percentile " +
            "distribution, ms), send-lag.hgrm").append(r.wsLag() != null ? ", ws-lag.hlog, ws-lag.hgrm" : "")
            .append(", summary.txt.</p>\n");
        footer(sb);
        return sb.toString();
    }

    static String sweep(final Sweep.Outcome outcome)
    {
        final StringBuilder sb = new StringBuilder(32 * 1024);
        header(sb, "Strand capacity sweep");
        sb.append("<pre>").append(escape(outcome.table())).append("</pre>\n");
        final List<Sweep.Step> steps = outcome.steps();
        final double[] rates = new double[steps.size()];
        final double[] p50 = new double[steps.size()];
        final double[] p99 = new double[steps.size()];
        final double[] p999 = new double[steps.size()];
        final double[] slo = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++)
        {
            final Histogram h = steps.get(i).result().latency();
            rates[i] = steps.get(i).result().options().rate;
            p50[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50) / 1000.0;
            p99[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
            p999[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99.9) / 1000.0;
            slo[i] = outcome.sloP99Millis();
        }
        sb.append(new SvgChart("Latency by offered rate", "offered commands per second", "milliseconds", true)
            .series("p50", rates, p50).series("p99", rates, p99).series("p99.9", rates, p999).dashedSeries("SLO (p99)", rates, slo)
            .render());
        sb.append("<ul>\n");
        for (final Sweep.Step s : steps)
        {
            final String dir = s.result().options().out.getFileName().toString();
            sb.append("<li><a href=\"").append(escape(dir)).append("/report.html\">").append(escape(dir)).append("</a></li>\n");
        }
        sb.append("</ul>\n");
        footer(sb);
        return sb.toString();
    }

    private static String overTime(final String title, final List<LatencySeries.IntervalStat> intervals)
    {
        final int n = intervals.size();
        final double[] t = new double[n];
        final double[] p50 = new double[n];
        final double[] p90 = new double[n];
        final double[] p99 = new double[n];
        final double[] p999 = new double[n];
        final double[] max = new double[n];
        for (int i = 0; i < n; i++)
        {
            final LatencySeries.IntervalStat s = intervals.get(i);
            t[i] = s.t();
            p50[i] = s.p50() / 1000.0;
            p90[i] = s.p90() / 1000.0;
            p99[i] = s.p99() / 1000.0;
            p999[i] = s.p999() / 1000.0;
            max[i] = s.max() / 1000.0;
        }
        return new SvgChart(title, "seconds into the measurement", "milliseconds", true)
            .series("p50", t, p50).series("p90", t, p90).series("p99", t, p99).series("p99.9", t, p999).series("max", t, max)
            .render();
    }

    private static String throughput(final List<LatencySeries.IntervalStat> intervals)
    {
        final int n = intervals.size();
        final double[] t = new double[n];
        final double[] rate = new double[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = intervals.get(i).t();
            rate[i] = intervals.get(i).perSecond();
        }
        return new SvgChart("Answered requests per second", "seconds into the measurement", "requests/s", false)
            .series("answered/s", t, rate).render();
    }

    /** Adds a histogram's spectrum, sampled up to the percentile its count can resolve. */
    static void addSpectrum(final SvgChart chart, final String name, final Histogram h)
    {
        final long count = h.getTotalCount();
        if (count == 0)
        {
            return;
        }
        final double maxX = Math.min(6, Math.log10(count));
        final int points = 120;
        final double[] x = new double[points + 1];
        final double[] y = new double[points + 1];
        for (int i = 0; i <= points; i++)
        {
            x[i] = maxX * i / points;
            final double p = 100 * (1 - Math.pow(10, -x[i]));
            y[i] = h.getValueAtPercentile(Math.min(p, 100)) / 1000.0;
        }
        x[points] = maxX;
        y[points] = h.getMaxValue() / 1000.0;
        chart.series(name, x, y);
    }

    private static void header(final StringBuilder sb, final String title)
    {
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
            .append("</title>\n<style>body{font-family:sans-serif;margin:24px;max-width:960px}pre{background:#f6f6f6;" +
                "padding:8px;overflow-x:auto;font-size:12px}svg{display:block;margin:16px 0;border:1px solid #eee}</style>" +
                "</head><body>\n<h1>").append(escape(title)).append("</h1>\n");
    }

    private static void footer(final StringBuilder sb)
    {
        sb.append("</body></html>\n");
    }

    static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
