package dev.strand.gateway.http;

import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.Subscription;
import io.netty.channel.Channel;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /subscribe}: checks the parameters, the key (by the route's {@link AuthHandler}) and the Origin before
 * the upgrade, so a refusal is a plain HTTP answer with a problem body; then upgrades and subscribes.
 */
final class SubscribeRoute
{
    private static final Logger LOG = LoggerFactory.getLogger(SubscribeRoute.class);

    private final Engine engine;
    private final Subscribers subscribers;
    private final AtomicBoolean draining;
    private final List<String> allowedOrigins;
    private final int maxInFlight;
    private final long pingEveryMs;
    private final ConnectionGuard guard;

    SubscribeRoute(
        final Engine engine,
        final Subscribers subscribers,
        final AtomicBoolean draining,
        final List<String> allowedOrigins,
        final int maxInFlight,
        final long pingEveryMs,
        final ConnectionGuard guard)
    {
        this.engine = engine;
        this.subscribers = subscribers;
        this.draining = draining;
        this.allowedOrigins = allowedOrigins;
        this.maxInFlight = maxInFlight;
        this.pingEveryMs = pingEveryMs;
        this.guard = guard;
    }

    /** A page this server served (the console) may always subscribe: its Origin is this server's own. */
    private static boolean sameOrigin(final HttpServerRequest request, final String origin)
    {
        final String host = request.authority() == null ? null : request.authority().toString();
        return host != null && origin.equalsIgnoreCase((request.isSSL() ? "https://" : "http://") + host);
    }

    void handle(final RoutingContext ctx)
    {
        final HttpServerRequest request = ctx.request();
        final long fromPosition;
        final EventFilter filter;
        try
        {
            final MultiMap params = ctx.queryParams();
            fromPosition = Params.longParam(params, "fromPosition", 0, 0, Long.MAX_VALUE);
            filter = Params.filter(params);
        }
        catch (final ProblemException ex)
        {
            Responses.problem(ctx, ex.problem());
            return;
        }
        final String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !allowedOrigins.contains("*") && !allowedOrigins.contains(origin) && !sameOrigin(request, origin))
        {
            Responses.problem(ctx, Problem.of(403, Problem.FORBIDDEN, "origin " + origin + " may not subscribe"));
            return;
        }
        final long firstPosition = engine.journalHead().firstPosition();
        if (fromPosition >= 1 && fromPosition < firstPosition)
        {
            final Problem problem = Problem.of(410, Problem.ARCHIVED, "position " + fromPosition +
                " is archived: the journal starts at position " + firstPosition);
            Responses.problem(ctx.response(), problem, problem.toJson().put("firstPosition", firstPosition));
            return;
        }
        final String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket"))
        {
            ctx.response().putHeader(HttpHeaders.UPGRADE, "websocket");
            Responses.problem(ctx, Problem.of(426, Problem.UPGRADE_REQUIRED, "GET /subscribe is a WebSocket endpoint"));
            return;
        }
        // the subscriber writes its runs of frames to the channel itself; Vert.x Web's socket wrapper does not expose it
        final Channel channel = ((ConnectionBase)request.connection()).channel();
        request.toWebSocket().onSuccess(ws ->
        {
            guard.upgraded(request.connection());
            final WebSocketSubscriber subscriber = new WebSocketSubscriber(ws, channel, subscribers, draining, maxInFlight);
            subscriber.attach(ctx.vertx(), pingEveryMs);
            final Subscription subscription;
            try
            {
                subscription = engine.subscribe(fromPosition, filter, subscriber);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("subscribe from {} failed: {}", fromPosition, ex.toString());
                subscriber.onClose(0, "the engine cannot serve subscriptions now");
                return;
            }
            subscriber.subscribed(subscription);
        }).onFailure(ex -> LOG.debug("WebSocket upgrade failed: {}", ex.toString()));
    }
}
