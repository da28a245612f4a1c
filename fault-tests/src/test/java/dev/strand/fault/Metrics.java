package dev.strand.fault;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Prometheus text page, parsed into series name (with labels) → value. */
final class Metrics
{
    private final Map<String, Double> series;

    private Metrics(final Map<String, Double> series)
    {
        this.series = series;
    }

    static Metrics parse(final String text)
    {
        final Map<String, Double> map = new LinkedHashMap<>();
        for (final String line : text.split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            if (space <= 0)
            {
                continue;
            }
            try
            {
                map.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1).trim()));
            }
            catch (final NumberFormatException ex)
            {
                // a timestamped or exotic line: not one we read
            }
        }
        return new Metrics(map);
    }

    /** The value of a series, by its exact name with labels, e.g. {@code strand_commands_total{outcome="halted"}}. */
    double value(final String name)
    {
        final Double v = series.get(name);
        if (v == null)
        {
            throw new AssertionError("no metric " + name + " in " + series.keySet());
        }
        return v;
    }

    boolean has(final String name)
    {
        return series.containsKey(name);
    }
}
