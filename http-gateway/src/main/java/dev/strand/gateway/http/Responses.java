package dev.strand.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON and problem+json answers; ignores a response that has already ended (a timeout answered first). */
final class Responses
{
    static final String JSON = "application/json";

    private Responses()
    {
    }

    static void json(final RoutingContext ctx, final int status, final JsonObject body)
    {
        json(ctx, status, body.toBuffer());
    }

    static void json(final RoutingContext ctx, final int status, final Buffer body)
    {
        final HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed())
        {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", JSON).end(body);
    }

    static void problem(final RoutingContext ctx, final Problem problem)
    {
        problem(ctx.response(), problem);
    }

    static void problem(final HttpServerResponse response, final Problem problem)
    {
        if (response.ended() || response.closed() || response.headWritten())
        {
            return;
        }
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.CONTENT_TYPE);
        if (problem.retryAfterSeconds() > 0)
        {
            response.putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
        }
        if (problem.status() == 401)
        {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"strand\"");
        }
        response.end(problem.toJson().toBuffer());
    }
}
