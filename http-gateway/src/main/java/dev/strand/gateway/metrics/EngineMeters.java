package dev.strand.gateway.metrics;

import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineMetrics;
import dev.strand.engine.api.EngineStatus;
import dev.strand.gateway.http.Subscribers;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Exposes {@link EngineMetrics} as Prometheus metrics: counters and gauges read on scrape (nothing on the hot path),
 * the append latency as a histogram with buckets in seconds. No per-aggregate labels.
 */
public final class EngineMeters
{
    private EngineMeters()
    {
    }

    /** {@code recoveryMillis}: how long this process took to start the engine (journal opened, state recovered). */
    public static void register(
        final PrometheusMeterRegistry registry, final Engine engine, final Subscribers webSockets, final long recoveryMillis)
    {
        final EngineMetrics m = engine.metrics();
        commands(registry, m, "accepted", EngineMetrics::commandsAccepted);
        commands(registry, m, "rejected", EngineMetrics::commandsRejected);
        commands(registry, m, "overloaded", EngineMetrics::commandsOverloaded);
        commands(registry, m, "halted", EngineMetrics::commandsHalted);
        commands(registry, m, "replayed", EngineMetrics::commandsReplayed);
        commands(registry, m, "failed", EngineMetrics::commandsFailed);
        commands(registry, m, "capacity_exhausted", EngineMetrics::commandsCapacityRefused);

        FunctionCounter.builder("strand.snapshots", m, EngineMetrics::snapshotsTaken)
            .description("Snapshots written since start")
            .register(registry);

        gauge(registry, "strand.ring.size", "Command ring slots", m, EngineMetrics::ringSize);
        gauge(registry, "strand.ring.remaining.capacity", "Free command ring slots", m, EngineMetrics::ringRemainingCapacity);
        gauge(registry, "strand.journal.position", "Last journaled global position", m, EngineMetrics::journalPosition);
        gauge(registry, "strand.journal.bytes", "Bytes of records in the live journal (its directory)", m,
            EngineMetrics::journalBytes);
        gauge(registry, "strand.journal.first.position", "First position the journal serves (after archived cycle files)",
            m, EngineMetrics::journalFirstPosition);
        gauge(registry, "strand.journal.archived.bytes", "Bytes of the cycle files in the archive directory", m,
            EngineMetrics::journalArchivedBytes);
        gauge(registry, "strand.retention.last.run.timestamp.seconds", "When retention last ran, epoch seconds (0: not yet)",
            m, x -> x.retentionLastRunEpochMillis() / 1000.0);
        gauge(registry, "strand.retention.last.run.ok", "1 if the last retention run succeeded, 0 if it failed, -1 if none ran",
            m, EngineMetrics::retentionLastRunOk);
        gauge(registry, "strand.retention.cycle.files.moved", "Cycle files retention archived or deleted since start", m,
            EngineMetrics::retentionCyclesMoved);
        gauge(registry, "strand.journal.free.bytes", "Free bytes on the journal's file system", m, EngineMetrics::journalFreeBytes);
        Gauge.builder("strand.journal.min.free.bytes", engine, e -> e.config().minFreeBytes())
            .description("Free-space floor: below it writes halt with 503 HALTED until space returns")
            .register(registry);
        gauge(registry, "strand.heap.headroom.bytes", "Maximum heap minus what the last collection left in use", m,
            EngineMetrics::heapHeadroomBytes);
        gauge(registry, "strand.heap.floor.bytes", "Heap headroom floor: below it commands that add aggregates get " +
            "503 CAPACITY_EXHAUSTED", m, EngineMetrics::heapFloorBytes);
        gauge(registry, "strand.read.model.position", "Last position the read model applied", m, EngineMetrics::readModelPosition);
        gauge(registry, "strand.read.model.lag.events", "Journaled events the read model has not applied yet", m,
            x -> Math.max(0, x.journalPosition() - x.readModelPosition()));
        gauge(registry, "strand.subscriptions", "Engine subscriptions open", m, EngineMetrics::subscriptions);
        projections(registry, engine);
        Gauge.builder("strand.websocket.subscribers", webSockets, Subscribers::count)
            .description("WebSocket subscribers connected")
            .register(registry);
        Gauge.builder("strand.websocket.frames.in.flight", webSockets, Subscribers::framesInFlight)
            .description("Event frames written to WebSockets and not yet flushed, all subscribers")
            .register(registry);
        gauge(registry, "strand.snapshot.age.seconds", "Seconds since the newest snapshot was written (-1: none yet)", m,
            x -> x.lastSnapshotEpochMillis() == 0 ? -1 : (System.currentTimeMillis() - x.lastSnapshotEpochMillis()) / 1000.0);
        gauge(registry, "strand.snapshot.duration.seconds", "How long the newest snapshot took to write", m,
            x -> x.lastSnapshotDurationMicros() / 1e6);
        gauge(registry, "strand.snapshot.position", "Journal position of the newest snapshot", m, EngineMetrics::lastSnapshotPosition);
        Gauge.builder("strand.ready", engine, e -> e.status().ready() ? 1 : 0)
            .description("1 when the engine is running and takes commands")
            .register(registry);
        for (final EngineStatus.State state : EngineStatus.State.values())
        {
            Gauge.builder("strand.engine.state", engine, e -> e.status().state() == state ? 1 : 0)
                .description("1 for the engine's current state (GET /health/ready gives the reason of a halt)")
                .tag("state", state.name().toLowerCase(Locale.ROOT))
                .register(registry);
        }
        final double recoverySeconds = recoveryMillis / 1000.0;
        Gauge.builder("strand.recovery.duration.seconds", () -> recoverySeconds)
            .description("How long this process took to start its engine: journal opened and checked, newest valid " +
                "snapshot loaded, journal tail replayed")
            .register(registry);

        registry.getPrometheusRegistry().register(new AppendLatencyCollector(m));
        if (engine.cluster().clustered())
        {
            cluster(registry, engine);
        }
    }

    /** A cluster member's view of its cluster, read from the consensus module's counters on scrape. */
    private static void cluster(final PrometheusMeterRegistry registry, final Engine engine)
    {
        for (final String role : new String[] {"leader", "follower", "candidate"})
        {
            Gauge.builder("strand.cluster.role", engine, e -> role.equals(e.cluster().role()) ? 1 : 0)
                .description("1 for this member's current role")
                .tag("role", role)
                .register(registry);
        }
        Gauge.builder("strand.cluster.leader.member.id", engine, e -> e.cluster().leaderMemberId())
            .description("The leader this member knows of (-1 during an election)")
            .register(registry);
        Gauge.builder("strand.cluster.member.id", engine, e -> e.cluster().memberId())
            .description("This member's id")
            .register(registry);
        FunctionCounter.builder("strand.cluster.elections", engine, e -> e.cluster().elections())
            .description("Elections this member's consensus module has run since it started")
            .register(registry);
        Gauge.builder("strand.cluster.commit.position.bytes", engine, e -> e.cluster().commitPosition())
            .description("Commit position of the replicated log as this member knows it")
            .register(registry);
        Gauge.builder("strand.cluster.journal.lag.bytes", engine, e -> e.cluster().journalLagBytes())
            .description("How far this member's journal trails the commit position, in log bytes")
            .register(registry);
    }

    private static void commands(
        final PrometheusMeterRegistry registry, final EngineMetrics m, final String outcome, final ToDoubleFunction<EngineMetrics> f)
    {
        FunctionCounter.builder("strand.commands", m, f)
            .description("Commands by outcome since start")
            .tag("outcome", outcome)
            .register(registry);
    }

    private static void gauge(
        final PrometheusMeterRegistry registry, final String name, final String help, final EngineMetrics m, final ToDoubleFunction<EngineMetrics> f)
    {
        Gauge.builder(name, m, f).description(help).register(registry);
    }

    /** Per projection (the set is fixed at start): its position, its lag, whether it failed, and its error count. */
    private static void projections(final PrometheusMeterRegistry registry, final Engine engine)
    {
        for (final dev.strand.engine.api.ProjectionStatus p : engine.projections())
        {
            final String name = p.name();
            Gauge.builder("strand.projection.position", engine, e -> e.projection(name).map(s -> s.position()).orElse(0L))
                .description("Last journal position the projection applied")
                .tag("projection", name)
                .register(registry);
            Gauge.builder("strand.projection.lag.events", engine, e -> e.projection(name).map(s -> s.lag()).orElse(0L))
                .description("Journaled events the projection has not applied yet")
                .tag("projection", name)
                .register(registry);
            Gauge.builder("strand.projection.failed", engine, e -> e.projection(name)
                    .map(s -> dev.strand.engine.api.ProjectionStatus.FAILED.equals(s.status()) ? 1 : 0).orElse(0))
                .description("1 when the projection stopped on an error (error policy stop) or cannot be built")
                .tag("projection", name)
                .register(registry);
            FunctionCounter.builder("strand.projection.errors", engine, e -> e.projection(name).map(s -> s.errors()).orElse(0L))
                .description("Events whose fold threw (skipped, or the one the projection stopped at)")
                .tag("projection", name)
                .register(registry);
        }
    }
}
