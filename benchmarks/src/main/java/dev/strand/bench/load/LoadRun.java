package dev.strand.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One open-loop run at one rate. The calling thread becomes the scheduler: it parks until the next intended send
 * time (never spins: the machine has 2 cores shared with the server), then hands every due send to a client
 * event loop. A reporter thread closes a histogram interval every {@code --interval} and prints progress.
 */
public final class LoadRun
{
    /** Longest the scheduler parks at once, so it notices the end of the run promptly. */
    static final long MAX_PARK_NANOS = 10_000_000;
    /** Lead time between setting up the schedule and send 0. */
    static final long START_DELAY_NANOS = 200_000_000;
    /** Extra wait for subscribers to receive the last acknowledged events. */
    static final long SUBSCRIBER_DRAIN_NANOS = 5_000_000_000L;
    /** Between the drained warm-up and the measured window's first send. */
    static final long MEASURE_GAP_NANOS = 10_000_000;
    /** A warm-up whose backlog took longer than this to drain is warned about. */
    static final double WARN_DRAIN_MILLIS = 1_000;

    private final Vertx vertx;
    private final HttpClient http;
    private final WebSocketClient ws;
    private final LoadOptions options;
    private final CommandMix mix;
    private final PrintStream out;

    public LoadRun(
        final Vertx vertx, final HttpClient http, final WebSocketClient ws, final LoadOptions options, final CommandMix mix,
        final PrintStream out)
    {
        this.vertx = vertx;
        this.http = http;
        this.ws = ws;
        this.options = options;
        this.mix = mix;
        this.out = out;
    }

    public RunResult execute() throws InterruptedException
    {
        try
        {
            Files.createDirectories(options.out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final double requestRate = options.requestRate();
        final long warmSends = FixedRateSchedule.sendsIn(options.warmupSeconds, requestRate);
        final long measuredSends = FixedRateSchedule.sendsIn(options.durationSeconds, requestRate);
        final long baseEpochMillis = System.currentTimeMillis();

        final LatencySeries latency = new LatencySeries("http-latency", options.out.resolve("latency.hlog"), baseEpochMillis);
        final LatencySeries sendLag = new LatencySeries("send-lag", null, baseEpochMillis);
        final LatencySeries wsLag = options.subscribers > 0
            ? new LatencySeries("ws-lag", options.out.resolve("ws-lag.hlog"), baseEpochMillis) : null;
        final RunCounters warm = new RunCounters();
        final RunCounters measured = new RunCounters();
        final AckTable acks = options.subscribers > 0 ? new AckTable(AckTable.DEFAULT_CAPACITY) : null;
        final HttpDriver driver = new HttpDriver(http, options, latency, sendLag, warm, measured, acks);

        // The warm-up and the measured window are two schedules: whatever backlog the warm-up built (a cold server
        // answering slower than the rate) is drained before the measured window starts, so it is never charged to
        // it; a backlog that does not drain fails the run, saying so.
        final long startNanos = System.nanoTime() + START_DELAY_NANOS;
        final FixedRateSchedule warmSchedule = new FixedRateSchedule(startNanos, requestRate, warmSends);
        final AtomicLong measureStartNanos = new AtomicLong(warmSchedule.endNanos());

        final List<WsSubscriber> subscribers = startSubscribers(acks, wsLag, measureStartNanos);
        final Context[] contexts = new Context[options.clientThreads];
        for (int i = 0; i < contexts.length; i++)
        {
            contexts[i] = vertx.getOrCreateContext();
        }

        final ScheduledExecutorService reporterThread = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "load-reporter");
            t.setDaemon(true);
            return t;
        });
        final Reporter reporter = new Reporter(
            latency, sendLag, wsLag, warm, measured, driver, measureStartNanos, baseEpochMillis, startNanos);
        final long intervalMillis = Math.max(1, Math.round(options.intervalSeconds * 1000));
        reporterThread.scheduleAtFixedRate(reporter::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);

        out.printf(Locale.ROOT, "run: %s%n", options.describe());
        try
        {
            if (warmSends > 0)
            {
                runSchedule(warmSchedule, true, driver, contexts);
                drainWarmUp(driver, warm, warmSends);
            }
            final long measuredStart = System.nanoTime() + MEASURE_GAP_NANOS;
            measureStartNanos.set(measuredStart);
            runSchedule(new FixedRateSchedule(measuredStart, requestRate, measuredSends), false, driver, contexts);
        }
        catch (final IllegalStateException ex)
        {
            reporterThread.shutdownNow();
            for (final WsSubscriber s : subscribers)
            {
                s.stop();
            }
            latency.close();
            if (wsLag != null)
            {
                wsLag.close();
            }
            throw ex;
        }

        final long drainDeadline = System.nanoTime() + Math.round(options.timeoutSeconds * 1e9) + 2_000_000_000L;
        while (driver.inFlight() > 0 && System.nanoTime() < drainDeadline)
        {
            LockSupport.parkNanos(10_000_000);
        }
        final long subDeadline = System.nanoTime() + SUBSCRIBER_DRAIN_NANOS;
        while (!subscribersCaughtUp(subscribers, driver.highestAcked()) && System.nanoTime() < subDeadline)
        {
            LockSupport.parkNanos(10_000_000);
        }
        try
        {
            reporterThread.submit(reporter::tick).get();
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("reporter failed", ex.getCause());
        }
        reporterThread.shutdownNow();
        for (final WsSubscriber s : subscribers)
        {
            try
            {
                s.stop().await(5, TimeUnit.SECONDS);
            }
            catch (final java.util.concurrent.TimeoutException | RuntimeException ex)
            {
                out.println("warning: subscriber " + s.id() + " did not close cleanly: " + ex);
            }
        }
        latency.close();
        if (wsLag != null)
        {
            wsLag.close();
        }
        if (driver.inFlight() > 0)
        {
            out.printf(Locale.ROOT, "warning: %d requests still outstanding after the drain; counted as timeouts%n", driver.inFlight());
            for (int i = driver.inFlight(); i > 0; i--)
            {
                measured.timeouts.increment();
            }
        }

        final List<RunResult.SubscriberStats> subStats = new ArrayList<>();
        for (final WsSubscriber s : subscribers)
        {
            subStats.add(new RunResult.SubscriberStats(s.id(), s.received.sum(), s.gaps.sum(), s.duplicates.sum(),
                s.beforeAck.sum(), s.unmatched.sum(), s.malformed.sum(), s.closedSlow.sum(), s.closedOther.sum(),
                s.lastPosition()));
        }
        return new RunResult(options, options.durationSeconds, measured.sent(), measured.ok(), measured.rejected(),
            measured.commandsAccepted(), measured.commandsRejected(), measured.errors(), measured.errorBreakdown(),
            latency.total().copy(), latency.intervals(), sendLag.total().copy(),
            wsLag == null ? null : wsLag.total().copy(), wsLag == null ? List.of() : wsLag.intervals(), subStats);
    }

    /**
     * Waits until every warm-up request is answered (at most the request timeout and 2 s), and says how long that
     * took; a backlog still there then fails the run: the measured window would start behind it.
     */
    private void drainWarmUp(final HttpDriver driver, final RunCounters warm, final long warmSends)
    {
        final long endNanos = System.nanoTime();
        final int atEnd = driver.inFlight();
        final long timeoutsBefore = warm.timeouts.sum();
        final long deadline = endNanos + Math.round(options.timeoutSeconds * 1e9) + 2_000_000_000L;
        while (driver.inFlight() > 0 && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(1_000_000);
        }
        final double drainMillis = (System.nanoTime() - endNanos) / 1e6;
        final long timedOut = warm.timeouts.sum() - timeoutsBefore;
        if (driver.inFlight() > 0 || timedOut > 0)
        {
            throw new WarmUpBacklogException(String.format(Locale.ROOT,
                "the warm-up's backlog did not drain: %,d of its %,d requests unanswered and %,d timed out %.1f s after " +
                    "it ended (%,d in flight at its end); the server cannot sustain %,.0f requests/s yet, and a " +
                    "measured window started now would be charged for that backlog: lower --rate or lengthen --warmup",
                driver.inFlight(), warmSends, timedOut, drainMillis / 1e3, atEnd, options.requestRate()));
        }
        out.printf(Locale.ROOT, "warm-up: %,d sends, %,d in flight at its end, drained in %.1f ms before the measured window%n",
            warmSends, atEnd, drainMillis);
        if (atEnd > 0 && drainMillis > WARN_DRAIN_MILLIS)
        {
            out.printf(Locale.ROOT, "warning: the warm-up ended %.1f s behind its schedule; the server was still warming " +
                "up (a longer --warmup gives the measured window a server in its steady state)%n", drainMillis / 1e3);
        }
    }

    private void runSchedule(
        final FixedRateSchedule schedule, final boolean isWarm, final HttpDriver driver, final Context[] contexts)
    {
        final Thread self = Thread.currentThread();
        final String oldName = self.getName();
        self.setName("load-scheduler");
        try
        {
            long next = 0;
            int round = 0;
            final long total = schedule.total();
            while (next < total)
            {
                final long due = schedule.dueCount(System.nanoTime());
                if (due > next)
                {
                    final List<HttpDriver.Send> sends = new ArrayList<>((int)Math.min(due - next, 4096));
                    for (long i = next; i < due; i++)
                    {
                        if (driver.reserve(isWarm, options.maxInFlight))
                        {
                            final Buffer body = Buffer.buffer(mix.nextBody(options.batch, options.atomicBatch));
                            sends.add(new HttpDriver.Send(schedule.intendedNanos(i), body, isWarm));
                        }
                    }
                    next = due;
                    if (!sends.isEmpty())
                    {
                        contexts[round++ % contexts.length].runOnContext(v -> sends.forEach(driver::send));
                    }
                    continue;
                }
                final long wait = schedule.intendedNanos(next) - System.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
                }
            }
        }
        finally
        {
            self.setName(oldName);
        }
    }

    private List<WsSubscriber> startSubscribers(final AckTable acks, final LatencySeries wsLag, final AtomicLong measureStartNanos)
        throws InterruptedException
    {
        final List<WsSubscriber> subscribers = new ArrayList<>();
        final List<Future<Void>> started = new ArrayList<>();
        for (int i = 0; i < options.subscribers; i++)
        {
            final WsSubscriber s = new WsSubscriber(i, vertx, ws, options, acks, wsLag, measureStartNanos);
            subscribers.add(s);
            final Context ctx = vertx.getOrCreateContext();
            final io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
            ctx.runOnContext(v -> s.start().onComplete(promise));
            started.add(promise.future());
        }
        try
        {
            Future.all(started).await(Math.round(options.timeoutSeconds * 1000) + 5_000, TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new IllegalStateException("WebSocket subscribers did not connect in time", ex);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("WebSocket subscribers could not connect to " + options.url + "/subscribe: " + ex.getMessage(), ex);
        }
        return subscribers;
    }

    private static boolean subscribersCaughtUp(final List<WsSubscriber> subscribers, final long highestAcked)
    {
        for (final WsSubscriber s : subscribers)
        {
            if (s.lastPosition() < highestAcked)
            {
                return false;
            }
        }
        return true;
    }

    /** Rolls the histograms once per interval and prints progress; runs on the reporter thread only. */
    private final class Reporter
    {
        private final LatencySeries latency;
        private final LatencySeries sendLag;
        private final LatencySeries wsLag;
        private final RunCounters warm;
        private final RunCounters measured;
        private final HttpDriver driver;
        private final AtomicLong measureStartNanos;
        private final long baseNanos;
        private final Histogram progressLatency = new Histogram(LatencySeries.HIGHEST_MICROS, LatencySeries.SIGNIFICANT_DIGITS);
        private final Histogram progressLag = new Histogram(LatencySeries.HIGHEST_MICROS, LatencySeries.SIGNIFICANT_DIGITS);
        private long lastEpochMillis;
        private long lastProgressNanos;
        private long lastAnswered;

        Reporter(
            final LatencySeries latency, final LatencySeries sendLag, final LatencySeries wsLag, final RunCounters warm,
            final RunCounters measured, final HttpDriver driver, final AtomicLong measureStartNanos, final long baseEpochMillis,
            final long startNanos)
        {
            this.latency = latency;
            this.sendLag = sendLag;
            this.wsLag = wsLag;
            this.warm = warm;
            this.measured = measured;
            this.driver = driver;
            this.measureStartNanos = measureStartNanos;
            this.baseNanos = startNanos;
            this.lastEpochMillis = baseEpochMillis;
            this.lastProgressNanos = System.nanoTime();
        }

        void tick()
        {
            final long nowMillis = System.currentTimeMillis();
            final long nowNanos = System.nanoTime();
            final double t = (nowNanos - measureStartNanos.get()) / 1e9;
            progressLatency.add(latency.roll(lastEpochMillis, nowMillis, t));
            sendLag.roll(lastEpochMillis, nowMillis, t);
            if (wsLag != null)
            {
                progressLag.add(wsLag.roll(lastEpochMillis, nowMillis, t));
            }
            lastEpochMillis = nowMillis;
            if (options.progressSeconds > 0 && nowNanos - lastProgressNanos >= options.progressSeconds * 1e9 - 1e6)
            {
                printProgress(nowNanos);
                lastProgressNanos = nowNanos;
                progressLatency.reset();
                progressLag.reset();
            }
        }

        private void printProgress(final long nowNanos)
        {
            final boolean warming = nowNanos < measureStartNanos.get();
            final RunCounters c = warming ? warm : measured;
            final long answered = warm.answered() + measured.answered();
            final double seconds = (nowNanos - lastProgressNanos) / 1e9;
            final StringBuilder sb = new StringBuilder(160);
            sb.append(String.format(Locale.ROOT, "[%6.1fs %s] sent=%d ok=%d rejected=%d errors=%d in-flight=%d answered/s=%,.0f",
                Math.max(0, (nowNanos - baseNanos) / 1e9), warming ? "warm-up" : "measure", c.sent(), c.ok(), c.rejected(),
                c.errors(), driver.inFlight(), (answered - lastAnswered) / seconds));
            lastAnswered = answered;
            if (progressLatency.getTotalCount() > 0)
            {
                sb.append(String.format(Locale.ROOT, " latency p50=%s p99=%s max=%s",
                    Reports.ms(progressLatency.getValueAtPercentile(50)), Reports.ms(progressLatency.getValueAtPercentile(99)),
                    Reports.ms(progressLatency.getMaxValue())));
            }
            if (wsLag != null && progressLag.getTotalCount() > 0)
            {
                sb.append(String.format(Locale.ROOT, " ws-lag p99=%s", Reports.ms(progressLag.getValueAtPercentile(99))));
            }
            out.println(sb);
        }
    }
}
