package dev.strand.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One measured quantity (HTTP latency, WebSocket lag, send lateness) in microseconds: a wait-free {@link Recorder}
 * that any thread records into, rolled once per interval by the reporter thread into an interval log (.hlog), a
 * total histogram of the measurement phase and per-interval percentiles for the chart. Warm-up values go to a
 * separate recorder and are only shown in progress lines.
 */
public final class LatencySeries
{
    /** Highest value tracked: one hour in microseconds; larger values are clamped and counted. */
    public static final long HIGHEST_MICROS = 3_600_000_000L;
    public static final int SIGNIFICANT_DIGITS = 3;

    private final String name;
    private final Recorder recorder = new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final Recorder warmRecorder = new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final Histogram total = new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final List<IntervalStat> intervals = Collections.synchronizedList(new ArrayList<>());
    private final HistogramLogWriter log;
    private final PrintStream logStream;
    private Histogram recycle;
    private Histogram warmRecycle;
    private Histogram lastInterval = new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);

    /**
     * @param logFile the .hlog to write, or null for none.
     */
    public LatencySeries(final String name, final Path logFile, final long baseEpochMillis)
    {
        this.name = name;
        if (logFile != null)
        {
            try
            {
                logStream = new PrintStream(logFile.toFile(), StandardCharsets.US_ASCII);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            log = new HistogramLogWriter(logStream);
            log.outputComment("Strand load generator: " + name + ", values in microseconds");
            log.outputLogFormatVersion();
            log.outputStartTime(baseEpochMillis);
            log.setBaseTime(baseEpochMillis);
            log.outputLegend();
        }
        else
        {
            log = null;
            logStream = null;
        }
    }

    public String name()
    {
        return name;
    }

    /** Records one value; any thread. */
    public void record(final long micros, final boolean warm)
    {
        final long v = Math.max(0, Math.min(micros, HIGHEST_MICROS));
        (warm ? warmRecorder : recorder).recordValue(v);
    }

    /**
     * Closes the current interval: called by the reporter thread only.
     *
     * @param startEpochMillis interval start.
     * @param endEpochMillis   interval end.
     * @param secondsIntoRun   seconds since the measurement started, for the chart (negative while warming up).
     * @return the interval's histogram (measured and warm-up values together), valid until the next call.
     */
    public Histogram roll(final long startEpochMillis, final long endEpochMillis, final double secondsIntoRun)
    {
        recycle = recorder.getIntervalHistogram(recycle);
        warmRecycle = warmRecorder.getIntervalHistogram(warmRecycle);
        recycle.setStartTimeStamp(startEpochMillis);
        recycle.setEndTimeStamp(endEpochMillis);
        if (recycle.getTotalCount() > 0 || secondsIntoRun >= 0)
        {
            if (log != null)
            {
                log.outputIntervalHistogram(recycle);
            }
            total.add(recycle);
            intervals.add(IntervalStat.of(secondsIntoRun, endEpochMillis - startEpochMillis, recycle));
        }
        lastInterval.reset();
        lastInterval.add(recycle);
        lastInterval.add(warmRecycle);
        return lastInterval;
    }

    /** Everything measured after warm-up. */
    public Histogram total()
    {
        return total;
    }

    public List<IntervalStat> intervals()
    {
        synchronized (intervals)
        {
            return List.copyOf(intervals);
        }
    }

    public void close()
    {
        if (logStream != null)
        {
            logStream.close();
        }
    }

    /** Percentiles of one interval, in microseconds. */
    public record IntervalStat(double t, long count, double perSecond, long p50, long p90, long p99, long p999, long max)
    {
        static IntervalStat of(final double t, final long lengthMillis, final Histogram h)
        {
            final double seconds = Math.max(1, lengthMillis) / 1000.0;
            final long n = h.getTotalCount();
            return new IntervalStat(t, n, n / seconds,
                n == 0 ? 0 : h.getValueAtPercentile(50), n == 0 ? 0 : h.getValueAtPercentile(90),
                n == 0 ? 0 : h.getValueAtPercentile(99), n == 0 ? 0 : h.getValueAtPercentile(99.9), n == 0 ? 0 : h.getMaxValue());
        }
    }
}
