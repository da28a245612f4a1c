package dev.strand.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * API-key authorization for one route: the key comes in {@code Authorization: Bearer <key>} or {@code X-Api-Key};
 * no key or an unknown one is 401 UNAUTHENTICATED, a key whose role is too low 403 FORBIDDEN. When no keys are
 * configured every request passes (the loopback default). A platform handler, so it runs before the body is read.
 */
final class AuthHandler implements PlatformHandler
{
    private final ApiKeys keys;
    private final Role required;

    AuthHandler(final ApiKeys keys, final Role required)
    {
        this.keys = keys;
        this.required = required;
    }

    @Override
    public void handle(final RoutingContext ctx)
    {
        final Problem refusal = check(keys, ctx.request(), required);
        if (refusal != null)
        {
            Responses.problem(ctx, refusal);
            return;
        }
        ctx.next();
    }

    /** @return null when allowed, else the 401/403 problem. */
    static Problem check(final ApiKeys keys, final HttpServerRequest request, final Role required)
    {
        if (keys.isEmpty())
        {
            return null;
        }
        final String key = presentedKey(request);
        if (key == null)
        {
            return Problem.of(401, Problem.UNAUTHENTICATED, "an API key is required (Authorization: Bearer <key> or X-Api-Key)");
        }
        final Role role = keys.roleOf(key);
        if (role == null)
        {
            return Problem.of(401, Problem.UNAUTHENTICATED, "the API key is not valid");
        }
        if (!role.allows(required))
        {
            return Problem.of(403, Problem.FORBIDDEN, "this key's role may not do this (needs " + required.name().toLowerCase() + ")");
        }
        return null;
    }

    /** The subprotocol a browser's WebSocket asks for; its key rides as a second one, {@link #KEY_SUBPROTOCOL_PREFIX}. */
    static final String SUBPROTOCOL = "strand.v1";
    /** {@code strand.key.<base64url of the key, no padding>}: the key of a WebSocket opened by a browser. */
    static final String KEY_SUBPROTOCOL_PREFIX = "strand.key.";

    private static String presentedKey(final HttpServerRequest request)
    {
        final String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null)
        {
            for (final String offered : protocols.split(","))
            {
                final String p = offered.trim();
                if (p.startsWith(KEY_SUBPROTOCOL_PREFIX))
                {
                    try
                    {
                        final String key = new String(java.util.Base64.getUrlDecoder().decode(
                            p.substring(KEY_SUBPROTOCOL_PREFIX.length())), java.nio.charset.StandardCharsets.UTF_8);
                        return key.isEmpty() ? null : key;
                    }
                    catch (final IllegalArgumentException notBase64)
                    {
                        return null;
                    }
                }
            }
        }
        final String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            final String key = authorization.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        final String header = request.getHeader("X-Api-Key");
        return header == null || header.isBlank() ? null : header.trim();
    }
}
