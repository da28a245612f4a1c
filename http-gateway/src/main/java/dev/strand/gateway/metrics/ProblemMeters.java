package dev.strand.gateway.metrics;

import dev.strand.engine.api.ResultCodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code strand_http_problems_total{status,code}}: every problem+json answer the gateway writes, by HTTP status and
 * problem code, so that an operator can tell 503 {@code OVERLOADED} from {@code HALTED}, {@code NO_LEADER} or
 * {@code REQUEST_TIMEOUT}, and see refused credentials (401 {@code UNAUTHENTICATED}, 403 {@code FORBIDDEN}). Vert.x's
 * own {@code vertx_http_server_requests_total{code}} counts by status only.
 *
 * <p>Codes come from the gateway, the engine and the aggregate modules' rejections: a fixed set in the code, never a
 * client's input. Still, past {@link #MAX_SERIES} distinct pairs further codes are counted as {@code OTHER}, so a
 * module that builds codes at run time cannot grow the scrape without bound. The codes an alert or a dashboard reads
 * are registered at 0 at start, so their rate is right from the first increment.
 *
 * <p>Each HTTP verticle puts its gateway's instance into its Vert.x context ({@link #bind}); {@link #count} finds it
 * there, on the event loop that writes the answer. Nothing on the accepted-command path: only problem answers count.
 */
public final class ProblemMeters
{
    static final String NAME = "strand.http.problems";
    static final int MAX_SERIES = 200;
    private static final String CONTEXT_KEY = ProblemMeters.class.getName();

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    private ProblemMeters(final MeterRegistry registry)
    {
        this.registry = registry;
    }

    /** The counters of one gateway; {@code clustered} adds the cluster's 503 codes to those registered at 0. */
    public static ProblemMeters register(final MeterRegistry registry, final boolean clustered)
    {
        final ProblemMeters meters = new ProblemMeters(registry);
        meters.counter(401, "UNAUTHENTICATED");
        meters.counter(403, "FORBIDDEN");
        for (final String code : new String[] {ResultCodes.OVERLOADED, ResultCodes.HALTED, ResultCodes.CAPACITY_EXHAUSTED,
            "REQUEST_TIMEOUT", "SHUTTING_DOWN", "NOT_READY"})
        {
            meters.counter(503, code);
        }
        if (clustered)
        {
            for (final String code : new String[] {ResultCodes.NO_LEADER, ResultCodes.NO_QUORUM, ResultCodes.OUTCOME_UNKNOWN})
            {
                meters.counter(503, code);
            }
        }
        meters.counter(422, ResultCodes.IDEMPOTENCY_KEY_REUSED);
        meters.counter(500, ResultCodes.COMMAND_HANDLER_FAILED);
        meters.counter(500, "INTERNAL_ERROR");
        return meters;
    }

    /** Makes this gateway's counters the ones {@link #count} finds on {@code context} (a verticle's). */
    public void bind(final Context context)
    {
        context.put(CONTEXT_KEY, this);
    }

    /** Counts one problem answer, on the context of the gateway writing it; elsewhere (no gateway) nothing. */
    public static void count(final int status, final String code)
    {
        final Context context = Vertx.currentContext();
        if (context != null && context.get(CONTEXT_KEY) instanceof ProblemMeters meters)
        {
            meters.increment(status, code);
        }
    }

    void increment(final int status, final String code)
    {
        final Counter counter = counters.get(key(status, code));
        (counter != null ? counter : counter(status, counters.size() < MAX_SERIES ? code : "OTHER")).increment();
    }

    private Counter counter(final int status, final String code)
    {
        return counters.computeIfAbsent(key(status, code), k -> Counter.builder(NAME)
            .description("Problem (application/problem+json) answers by HTTP status and problem code since start")
            .tag("status", Integer.toString(status))
            .tag("code", code)
            .register(registry));
    }

    private static String key(final int status, final String code)
    {
        return status + " " + code;
    }
}
