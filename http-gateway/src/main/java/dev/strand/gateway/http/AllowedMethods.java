package dev.strand.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each route path answers, read from the router once it is built, for the {@code Allow} header of a 405
 * (RFC 9110 section 15.5.6). Path parameters ({@code :aggregateId}) match one non-empty segment.
 */
final class AllowedMethods
{
    private record Entry(Pattern path, String method)
    {
    }

    private final List<Entry> entries;

    private AllowedMethods(final List<Entry> entries)
    {
        this.entries = entries;
    }

    static AllowedMethods of(final List<Route> routes)
    {
        final List<Entry> entries = new ArrayList<>();
        for (final Route route : routes)
        {
            final Set<HttpMethod> methods = route.methods();
            final String path = route.getPath();
            if (methods == null || methods.isEmpty() || path == null)
            {
                continue;
            }
            final Pattern pattern = pattern(path);
            for (final HttpMethod method : methods)
            {
                entries.add(new Entry(pattern, method.name()));
            }
        }
        return new AllowedMethods(List.copyOf(entries));
    }

    private static Pattern pattern(final String path)
    {
        final StringBuilder regex = new StringBuilder();
        for (final String segment : path.substring(1).split("/", -1))
        {
            regex.append('/').append(segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment));
        }
        return Pattern.compile(regex.toString());
    }

    /** The methods allowed on {@code path}, sorted and comma-separated ({@code "GET, POST"}); empty when none. */
    String allow(final String path)
    {
        final Set<String> methods = new TreeSet<>();
        for (final Entry entry : entries)
        {
            if (entry.path().matcher(path).matches())
            {
                methods.add(entry.method());
            }
        }
        return String.join(", ", methods);
    }
}
