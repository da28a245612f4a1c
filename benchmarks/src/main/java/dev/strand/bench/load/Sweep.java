package dev.strand.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The capacity-planning answer: runs at rising rates until a step's P99 exceeds the SLO or its errors exceed the
 * allowed ratio; the highest passing rate is what the box sustains at that SLO.
 */
public final class Sweep
{
    /** A step's verdict. */
    public enum Verdict
    {
        PASS, FAIL
    }

    /** One step. */
    public record Step(RunResult result, Verdict verdict, String reason)
    {
    }

    /** All steps and the answer. */
    public record Outcome(List<Step> steps, double sloP99Millis, double maxErrorRatio)
    {
        /** The highest offered rate that passed with every lower step passing too, or 0 when the first failed. */
        public double highestSustainableRate()
        {
            double best = 0;
            for (final Step s : steps)
            {
                if (s.verdict() != Verdict.PASS)
                {
                    break;
                }
                best = s.result().options().rate;
            }
            return best;
        }

        public String table()
        {
            final StringBuilder sb = new StringBuilder(2048);
            sb.append(String.format(Locale.ROOT, "sweep: SLO p99 <= %sms, error ratio <= %s%n",
                Reports.trim(sloP99Millis), Reports.trim(maxErrorRatio)));
            sb.append(String.format(Locale.ROOT, "%12s %12s %12s %10s %10s %10s %10s %10s %8s %7s  %s%n",
                "offered/s", "answered/s", "accepted/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors",
                "verdict", "reason"));
            for (final Step s : steps)
            {
                final RunResult r = s.result();
                final org.HdrHistogram.Histogram h = r.latency();
                final boolean any = h.getTotalCount() > 0;
                sb.append(String.format(Locale.ROOT, "%,12.0f %,12.0f %,12.0f %10s %10s %10s %10s %10s %,8d %7s  %s%n",
                    r.options().rate, r.answeredPerSecond(), r.acceptedCommandsPerSecond(),
                    any ? fmt(h.getValueAtPercentile(50)) : "-", any ? fmt(h.getValueAtPercentile(90)) : "-",
                    any ? fmt(h.getValueAtPercentile(99)) : "-", any ? fmt(h.getValueAtPercentile(99.9)) : "-",
                    any ? fmt(h.getMaxValue()) : "-", r.errors(), s.verdict(), s.reason()));
            }
            final double best = highestSustainableRate();
            sb.append(best > 0
                ? String.format(Locale.ROOT, "highest sustainable rate: %,.0f commands/s at p99 <= %sms%n", best, Reports.trim(sloP99Millis))
                : String.format(Locale.ROOT, "no sustainable rate: the first step already failed%n"));
            return sb.toString();
        }

        private static String fmt(final long micros)
        {
            return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
        }
    }

    private Sweep()
    {
    }

    /** Judges one step against the SLO and the error budget. */
    public static Step judge(final RunResult r, final double sloP99Millis, final double maxErrorRatio)
    {
        if (r.latency().getTotalCount() == 0)
        {
            return new Step(r, Verdict.FAIL, "nothing answered");
        }
        if (r.errorRatio() > maxErrorRatio)
        {
            return new Step(r, Verdict.FAIL, String.format(Locale.ROOT, "errors %d of %d sent (%s)", r.errors(), r.sent(),
                r.errorBreakdown()));
        }
        final double p99 = r.p99Millis();
        if (p99 > sloP99Millis)
        {
            return new Step(r, Verdict.FAIL, String.format(Locale.ROOT, "p99 %.3fms > %sms", p99, Reports.trim(sloP99Millis)));
        }
        return new Step(r, Verdict.PASS, "");
    }

    /** Runs the sweep described by {@code options}; prints each step's table as it ends. */
    public static Outcome run(
        final Vertx vertx, final HttpClient http, final WebSocketClient ws, final LoadOptions options, final CommandMix mix,
        final PrintStream out) throws InterruptedException
    {
        final List<Step> steps = new ArrayList<>();
        int index = 0;
        for (final double rate : options.sweepRates())
        {
            final double warmup = options.stepWarmupSeconds + (index == 0 ? options.initialWarmupSeconds : 0);
            final LoadOptions stepOptions = options.atRate(rate, options.stepDurationSeconds, warmup,
                options.out.resolve(String.format(Locale.ROOT, "step-%02d-%.0f", ++index, rate)));
            final RunResult result;
            try
            {
                result = new LoadRun(vertx, http, ws, stepOptions, mix, out).execute();
            }
            catch (final WarmUpBacklogException ex)
            {
                // the server did not keep up with this rate even before the step was measured: the sweep ends here
                out.printf(Locale.ROOT, "step %d at %,.0f cmd/s: FAIL %s%n", index, rate, ex.getMessage());
                break;
            }
            Reports.writeAll(result);
            final Step step = judge(result, options.sloP99Millis, options.maxErrorRatio);
            steps.add(step);
            out.print(Reports.table(result));
            out.printf(Locale.ROOT, "step %d at %,.0f cmd/s: %s %s%n", index, rate, step.verdict(), step.reason());
            if (step.verdict() == Verdict.FAIL)
            {
                break;
            }
        }
        return new Outcome(steps, options.sloP99Millis, options.maxErrorRatio);
    }
}
