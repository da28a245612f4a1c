package dev.strand.bench.load;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * What one run measured (the measurement phase only; warm-up excluded).
 *
 * @param options        the run's settings.
 * @param seconds        measured seconds (intended schedule length of the measurement phase).
 * @param latency        HTTP latency from the intended send time, microseconds.
 * @param sendLag        how late the client itself sent, microseconds: if it approaches {@code latency}, the client
 *                       (or the shared cores) is the bottleneck, not the server.
 * @param wsLag          ack-to-arrival lag at the subscribers, microseconds, or null without subscribers.
 * @param subscribers    per-subscriber consistency counts.
 */
public record RunResult(
    LoadOptions options,
    double seconds,
    long sent,
    long ok,
    long rejected,
    long commandsAccepted,
    long commandsRejected,
    long errors,
    Map<String, Long> errorBreakdown,
    Histogram latency,
    List<LatencySeries.IntervalStat> latencyIntervals,
    Histogram sendLag,
    Histogram wsLag,
    List<LatencySeries.IntervalStat> wsLagIntervals,
    List<SubscriberStats> subscribers)
{
    /** One subscriber's counts. */
    public record SubscriberStats(
        int id, long received, long gaps, long duplicates, long beforeAck, long unmatched, long malformed, long closedSlow,
        long closedOther, long lastPosition)
    {
    }

    /** Answered requests per second (2xx, 409, 422). */
    public double answeredPerSecond()
    {
        return (ok + rejected) / seconds;
    }

    /** Accepted commands per second. */
    public double acceptedCommandsPerSecond()
    {
        return commandsAccepted / seconds;
    }

    public double errorRatio()
    {
        return sent == 0 ? 0 : (double)errors / sent;
    }

    /** P99 latency in milliseconds, or +infinity when nothing was answered. */
    public double p99Millis()
    {
        return latency.getTotalCount() == 0 ? Double.POSITIVE_INFINITY : latency.getValueAtPercentile(99) / 1000.0;
    }
}
