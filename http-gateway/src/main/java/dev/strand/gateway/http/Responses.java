package dev.strand.gateway.http;

import dev.strand.gateway.metrics.ProblemMeters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes JSON and problem+json answers, each body ending with a newline (so {@code curl} output and logs stay one
 * answer a line); ignores a response that has already ended (a timeout answered first).
 */
final class Responses
{
    static final String JSON = "application/json";
    private static final byte[] NEWLINE = {'\n'};

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
        response.setStatusCode(status).putHeader("Content-Type", JSON);
        endWithNewline(response, body);
    }

    static void problem(final RoutingContext ctx, final Problem problem)
    {
        problem(ctx.response(), problem, problem.toJson());
    }

    static void problem(final HttpServerResponse response, final Problem problem)
    {
        problem(response, problem, problem.toJson());
    }

    /**
     * A problem answer whose body carries members beyond the problem's own ({@code body} is its JSON plus those);
     * counted in {@code strand_http_problems_total} when it is written.
     */
    static void problem(final HttpServerResponse response, final Problem problem, final JsonObject body)
    {
        if (response.ended() || response.closed() || response.headWritten())
        {
            return;
        }
        ProblemMeters.count(problem.status(), problem.code());
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.CONTENT_TYPE);
        if (problem.retryAfterSeconds() > 0)
        {
            response.putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
        }
        if (problem.status() == 401)
        {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"strand\"");
        }
        endWithNewline(response, body.toBuffer());
    }

    /** The body, then the newline, in two writes: no copy of a large body. */
    private static void endWithNewline(final HttpServerResponse response, final Buffer body)
    {
        response.putHeader("Content-Length", Integer.toString(body.length() + NEWLINE.length));
        response.write(body);
        response.end(Buffer.buffer(NEWLINE));
    }
}
