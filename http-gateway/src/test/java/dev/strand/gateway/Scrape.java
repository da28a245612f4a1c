package dev.strand.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code /metrics} answer in the Prometheus text format, parsed: each sample's series (name and labels as
 * written) and value, and the set of sample names ({@code strand_append_latency_seconds_bucket}, ...).
 */
public final class Scrape
{
    private final Map<String, Double> samples = new LinkedHashMap<>();
    private final Set<String> names = new TreeSet<>();

    private Scrape(final String text)
    {
        for (final String line : text.split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final int brace = line.indexOf('{');
            final int space = brace >= 0 ? line.indexOf(' ', line.lastIndexOf('}')) : line.indexOf(' ');
            final String series = line.substring(0, space);
            names.add(brace >= 0 ? line.substring(0, brace) : series);
            final String[] rest = line.substring(space + 1).trim().split(" ");
            samples.put(series, Double.parseDouble(rest[0]));
        }
    }

    public static Scrape of(final String text)
    {
        return new Scrape(text);
    }

    /** Sample names, without labels. */
    public Set<String> names()
    {
        return names;
    }

    /** The value of one series as the server writes it, e.g. {@code strand_http_problems_total{code="HALTED",status="503"}}. */
    public double value(final String series)
    {
        final Double v = samples.get(series);
        if (v == null)
        {
            throw new AssertionError("no series " + series + " in the scrape; series of that name: " +
                samples.keySet().stream().filter(s -> s.startsWith(series.split("\\{")[0])).toList());
        }
        return v;
    }

    public boolean has(final String series)
    {
        return samples.containsKey(series);
    }
}
