package dev.strand.gateway.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator files of the repository, read for the tests: the Grafana dashboard ({@code ops/grafana/strand.json}),
 * the alert rules and their unit tests ({@code ops/prometheus/}), and {@code docs/metrics.md}.
 */
public final class OpsFiles
{
    /** The metric name prefixes whose names must exist in a scrape of Strand. */
    public static final List<String> PREFIXES = List.of("strand_", "jvm_", "http_", "vertx_", "process_", "system_");
    /** Names that exist only on cluster members (docs/cluster.md, docs/metrics.md). */
    public static final String CLUSTER_PREFIX = "strand_cluster_";
    /** Names from Prometheus itself, not from the target: {@code up} is the scrape's own result. */
    public static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

    private final Path root;

    private OpsFiles(final Path root)
    {
        this.root = root;
    }

    /** The repository, found from the working directory (a module's, when Maven runs the tests) upwards. */
    public static OpsFiles find()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("ops/prometheus/alerts.yml")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("ops/prometheus/alerts.yml not found above " + Path.of("").toAbsolutePath());
        }
        return new OpsFiles(dir);
    }

    public Path root()
    {
        return root;
    }

    public String read(final String relative)
    {
        try
        {
            return Files.readString(root.resolve(relative), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    public JsonObject dashboard()
    {
        return new JsonObject(read("ops/grafana/strand.json"));
    }

    /** Every panel of the dashboard, those inside collapsed rows included, rows themselves too. */
    public List<JsonObject> panels()
    {
        final List<JsonObject> all = new ArrayList<>();
        collect(dashboard().getJsonArray("panels"), all);
        return all;
    }

    private static void collect(final JsonArray panels, final List<JsonObject> into)
    {
        for (int i = 0; i < panels.size(); i++)
        {
            final JsonObject p = panels.getJsonObject(i);
            into.add(p);
            if (p.containsKey("panels"))
            {
                collect(p.getJsonArray("panels"), into);
            }
        }
    }

    /** Each query of the dashboard (panel targets and variable queries), keyed by where it is, for messages. */
    public Map<String, String> dashboardQueries()
    {
        final Map<String, String> queries = new LinkedHashMap<>();
        for (final JsonObject p : panels())
        {
            final JsonArray targets = p.getJsonArray("targets", new JsonArray());
            for (int i = 0; i < targets.size(); i++)
            {
                final JsonObject t = targets.getJsonObject(i);
                queries.put("panel '" + p.getString("title") + "' " + t.getString("refId"), t.getString("expr"));
            }
        }
        final JsonArray variables = dashboard().getJsonObject("templating").getJsonArray("list");
        for (int i = 0; i < variables.size(); i++)
        {
            final JsonObject v = variables.getJsonObject(i);
            if ("query".equals(v.getString("type")))
            {
                final Object q = v.getValue("query");
                final String query = q instanceof JsonObject o ? o.getString("query") : (String) q;
                final Matcher lv = LABEL_VALUES.matcher(query);
                queries.put("variable $" + v.getString("name"), lv.matches() ? lv.group(1) : query);
            }
        }
        return queries;
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> rules()
    {
        final Map<String, Object> file = new Yaml().load(read("ops/prometheus/alerts.yml"));
        final List<Map<String, Object>> rules = new ArrayList<>();
        for (final Map<String, Object> group : (List<Map<String, Object>>) file.get("groups"))
        {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    public List<Map<String, Object>> alertRules()
    {
        return rules().stream().filter(r -> r.containsKey("alert")).toList();
    }

    public Set<String> recordNames()
    {
        final Set<String> names = new TreeSet<>();
        for (final Map<String, Object> r : rules())
        {
            if (r.containsKey("record"))
            {
                names.add((String) r.get("record"));
            }
        }
        return names;
    }

    /** Each rule's expression, keyed by the alert or record name. */
    public Map<String, String> ruleQueries()
    {
        final Map<String, String> queries = new LinkedHashMap<>();
        for (final Map<String, Object> r : rules())
        {
            queries.put(r.containsKey("alert") ? "alert " + r.get("alert") : "record " + r.get("record"), (String) r.get("expr"));
        }
        return queries;
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> ruleTests()
    {
        final Map<String, Object> file = new Yaml().load(read("ops/prometheus/alerts-test.yml"));
        return (List<Map<String, Object>>) file.get("tests");
    }

    /** Every metric name the dashboard and the rules select, with where each is used. */
    public Map<String, Set<String>> namesUsed()
    {
        final Map<String, Set<String>> used = new java.util.TreeMap<>();
        final Map<String, String> all = new LinkedHashMap<>(dashboardQueries());
        all.putAll(ruleQueries());
        for (final Map.Entry<String, String> q : all.entrySet())
        {
            for (final String name : PromQl.metricNames(q.getValue()))
            {
                used.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(q.getKey());
            }
        }
        return used;
    }

    public static boolean checkedAgainstAScrape(final String name)
    {
        return PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** GitHub's anchors of the headings of a Markdown file. */
    public Set<String> anchors(final String markdown)
    {
        final Set<String> anchors = new TreeSet<>();
        final Matcher m = HEADING.matcher(read(markdown));
        while (m.find())
        {
            anchors.add(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
        }
        return anchors;
    }
}
