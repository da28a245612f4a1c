package dev.strand.gateway.ops;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (or a Grafana variable query such as {@code label_values(m{job="$job"}, l)})
 * selects. Removed first: string literals (label values, {@code label_replace} arguments), label matchers
 * {@code {...}}, range and subquery brackets {@code [...]}, the label lists of {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}, and Grafana variables ({@code $job},
 * {@code ${datasource}}, {@code $__rate_interval}). Of the identifiers left ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}),
 * functions and aggregations (followed by {@code (}, or by a {@code by}/{@code without} clause), keywords and the
 * letters of numbers and durations ({@code 1e9}, {@code 5m}) are not names. What remains is every selector's
 * metric name, recording rules' names ({@code level:metric:operations}) included.
 */
public final class PromQl
{
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern BRACKETS = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LIST =
        Pattern.compile("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of(
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
        "inf", "nan", "atan2", "start", "end");
    private static final Set<String> AGGREGATIONS = Set.of(
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
        "quantile", "limitk", "limit_ratio");

    private PromQl()
    {
    }

    public static Set<String> metricNames(final String expression)
    {
        String s = STRING.matcher(expression).replaceAll("\"\"");
        s = MATCHERS.matcher(s).replaceAll("{}");
        s = BRACKETS.matcher(s).replaceAll("[]");
        s = LABEL_LIST.matcher(s).replaceAll("$1()");
        s = VARIABLE.matcher(s).replaceAll(" ");
        final Set<String> names = new TreeSet<>();
        final Matcher m = IDENTIFIER.matcher(s);
        while (m.find())
        {
            final String token = m.group();
            final boolean partOfNumber = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
            final String after = s.substring(m.end()).stripLeading();
            final boolean call = after.startsWith("(");
            final boolean aggregation = AGGREGATIONS.contains(token.toLowerCase()) &&
                (call || after.toLowerCase().startsWith("by") || after.toLowerCase().startsWith("without"));
            if (!partOfNumber && !call && !aggregation && !KEYWORDS.contains(token.toLowerCase()))
            {
                names.add(token);
            }
        }
        return names;
    }
}
