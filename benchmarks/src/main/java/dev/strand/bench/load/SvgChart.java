package dev.strand.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart drawn as inline SVG: no script, no fonts or files to fetch, so a report is one self-contained
 * HTML file. Linear or logarithmic y axis; x ticks either computed or given (the percentile spectrum's 90%, 99%...).
 */
final class SvgChart
{
    /** Colours of successive series. */
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

    private static final int WIDTH = 860;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 36;
    private static final int BOTTOM = 48;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();
    private double[] xTicks;
    private String[] xTickLabels;

    private record Series(String name, String color, double[] x, double[] y, boolean dashed)
    {
    }

    SvgChart(final String title, final String xLabel, final String yLabel, final boolean logY)
    {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logY = logY;
    }

    SvgChart series(final String name, final double[] x, final double[] y)
    {
        series.add(new Series(name, PALETTE[series.size() % PALETTE.length], x, y, false));
        return this;
    }

    SvgChart dashedSeries(final String name, final double[] x, final double[] y)
    {
        series.add(new Series(name, PALETTE[series.size() % PALETTE.length], x, y, true));
        return this;
    }

    SvgChart xTicks(final double[] ticks, final String[] labels)
    {
        this.xTicks = ticks.clone();
        this.xTickLabels = labels.clone();
        return this;
    }

    String render()
    {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (final Series s : series)
        {
            for (int i = 0; i < s.x.length; i++)
            {
                minX = Math.min(minX, s.x[i]);
                maxX = Math.max(maxX, s.x[i]);
                final double y = yValue(s.y[i]);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        final StringBuilder sb = new StringBuilder(16 * 1024);
        sb.append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" " +
                "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
            LEFT, HtmlReport.escape(title)));
        if (minX > maxX)
        {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no data</text>%n</svg>%n", LEFT, HEIGHT / 2));
            return sb.toString();
        }
        if (maxX == minX)
        {
            maxX = minX + 1;
        }
        double loY;
        double hiY;
        if (logY)
        {
            loY = Math.floor(Math.log10(minY));
            hiY = Math.ceil(Math.log10(maxY));
            if (hiY <= loY)
            {
                hiY = loY + 1;
            }
        }
        else
        {
            loY = Math.min(0, minY);
            hiY = maxY <= loY ? loY + 1 : niceCeil(maxY);
        }
        final double plotW = WIDTH - LEFT - RIGHT;
        final double plotH = HEIGHT - TOP - BOTTOM;
        final double fMinX = minX;
        final double fMaxX = maxX;
        final double fLoY = loY;
        final double fHiY = hiY;
        final java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - fMinX) / (fMaxX - fMinX) * plotW;
        final java.util.function.DoubleUnaryOperator py = y ->
        {
            final double v = logY ? Math.log10(yValue(y)) : y;
            return TOP + plotH - (v - fLoY) / (fHiY - fLoY) * plotH;
        };

        // y grid and labels
        if (logY)
        {
            for (double d = loY; d <= hiY + 1e-9; d++)
            {
                final double y = py.applyAsDouble(Math.pow(10, d));
                gridY(sb, y, label(Math.pow(10, d)));
            }
        }
        else
        {
            final double step = niceStep(hiY - loY);
            for (double v = loY; v <= hiY + 1e-9; v += step)
            {
                gridY(sb, py.applyAsDouble(v), label(v));
            }
        }
        // x grid and labels
        if (xTicks != null)
        {
            for (int i = 0; i < xTicks.length; i++)
            {
                if (xTicks[i] >= minX - 1e-9 && xTicks[i] <= maxX + 1e-9)
                {
                    gridX(sb, px.applyAsDouble(xTicks[i]), xTickLabels[i], plotH);
                }
            }
        }
        else
        {
            final double step = niceStep(maxX - minX);
            for (double v = Math.ceil(minX / step) * step; v <= maxX + 1e-9; v += step)
            {
                gridX(sb, px.applyAsDouble(v), label(v), plotH);
            }
        }
        sb.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#333\"/>%n", LEFT, TOP, plotW, plotH));
        sb.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
            LEFT + plotW / 2, HEIGHT - 8, HtmlReport.escape(xLabel)));
        sb.append(String.format(Locale.ROOT,
            "<text x=\"14\" y=\"%.0f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.0f)\">%s</text>%n",
            TOP + plotH / 2, TOP + plotH / 2, HtmlReport.escape(yLabel + (logY ? " (log scale)" : ""))));

        int legendY = TOP + 10;
        for (final Series s : series)
        {
            sb.append("<polyline fill=\"none\" stroke=\"").append(s.color).append("\" stroke-width=\"1.6\"");
            if (s.dashed)
            {
                sb.append(" stroke-dasharray=\"5,3\"");
            }
            sb.append(" points=\"");
            for (int i = 0; i < s.x.length; i++)
            {
                sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(s.x[i]), py.applyAsDouble(s.y[i])));
            }
            sb.append("\"/>\n");
            if (s.x.length == 1)
            {
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                    px.applyAsDouble(s.x[0]), py.applyAsDouble(s.y[0]), s.color));
            }
            sb.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                WIDTH - RIGHT + 12, legendY - 4, WIDTH - RIGHT + 32, legendY - 4, s.color, WIDTH - RIGHT + 38, legendY,
                HtmlReport.escape(s.name)));
            legendY += 18;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private double yValue(final double y)
    {
        return logY ? Math.max(y, 0.001) : y;
    }

    private static void gridY(final StringBuilder sb, final double y, final String label)
    {
        sb.append(String.format(Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
            LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, label));
    }

    private static void gridX(final StringBuilder sb, final double x, final String label, final double plotH)
    {
        sb.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>%n",
            x, TOP, x, TOP + plotH, x, TOP + plotH + 16, label));
    }

    static double niceStep(final double range)
    {
        if (!(range > 0))
        {
            return 1;
        }
        final double raw = range / 6;
        final double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        final double f = raw / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    static double niceCeil(final double v)
    {
        final double step = niceStep(v);
        return Math.ceil(v / step) * step;
    }

    static String label(final double v)
    {
        if (v == Math.rint(v) && Math.abs(v) < 1e15)
        {
            return String.format(Locale.ROOT, "%,d", (long)v);
        }
        final String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
