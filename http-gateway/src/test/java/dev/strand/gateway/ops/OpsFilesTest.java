package dev.strand.gateway.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and the alert rules as files: importable, every alert carrying what a page needs and a runbook that
 * exists, every alert covered by its promtool tests both ways, every name either a metric the scrape is checked for
 * (MonitoringIT), a recording rule of the file, or Prometheus's own.
 */
class OpsFilesTest
{
    private static final OpsFiles FILES = OpsFiles.find();
    private static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat", "state-timeline", "heatmap");
    private static final Pattern RUNBOOK = Pattern.compile("docs/metrics\\.md#([a-z0-9_-]+)");
    private static final Pattern INSTANCE = Pattern.compile("instance=\"([^\"]+)\"");

    @Test
    void shouldBeAnImportableDashboardOnADatasourceVariable()
    {
        final JsonObject d = FILES.dashboard();
        assertThat(d.getInteger("schemaVersion")).isGreaterThanOrEqualTo(36);
        assertThat(d.getString("uid")).isEqualTo("strand");
        assertThat(d.getValue("id")).as("no instance-specific id").isNull();
        final JsonArray variables = d.getJsonObject("templating").getJsonArray("list");
        final JsonObject datasource = variables.getJsonObject(0);
        assertThat(datasource.getString("type")).isEqualTo("datasource");
        assertThat(datasource.getString("name")).isEqualTo("datasource");
        assertThat(datasource.getString("query")).isEqualTo("prometheus");

        final Set<Integer> ids = new HashSet<>();
        for (final JsonObject p : FILES.panels())
        {
            final String title = p.getString("title");
            assertThat(ids.add(p.getInteger("id"))).as("panel id of %s unique", title).isTrue();
            assertThat(p.getString("type")).as(title).isIn(PANEL_TYPES);
            final JsonObject grid = p.getJsonObject("gridPos");
            assertThat(grid.getInteger("x") + grid.getInteger("w")).as("%s fits the 24 columns", title).isLessThanOrEqualTo(24);
            if (p.getString("type").equals("row"))
            {
                continue;
            }
            assertThat(p.getString("description")).as("%s says what it shows", title).isNotBlank();
            assertThat(p.getJsonObject("datasource").getString("uid")).as(title).isEqualTo("${datasource}");
            final JsonArray targets = p.getJsonArray("targets");
            assertThat(targets).as(title).isNotEmpty();
            for (int i = 0; i < targets.size(); i++)
            {
                assertThat(targets.getJsonObject(i).getJsonObject("datasource").getString("uid")).as(title).isEqualTo("${datasource}");
                assertThat(targets.getJsonObject(i).getString("expr")).as(title).isNotBlank();
            }
        }
        final List<String> rows = FILES.panels().stream().filter(p -> p.getString("type").equals("row")).map(p -> p.getString("title")).toList();
        assertThat(rows).containsExactly("Overview", "On call", "Debug");
    }

    /**
     * Every query of the dashboard is valid PromQL: with Grafana's variables given values ({@code $job},
     * {@code $instance}, {@code $__rate_interval}), each becomes a recording rule of a scratch file that
     * {@code promtool check rules} parses (skipped without promtool, Debian package prometheus).
     */
    @Test
    void shouldWriteEveryDashboardQueryInValidPromQl(@TempDir final Path dir) throws Exception
    {
        final String promtool = onPath("promtool");
        Assumptions.assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus)");
        final StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (final Map.Entry<String, String> q : FILES.dashboardQueries().entrySet())
        {
            final String expr = q.getValue()
                .replace("$__rate_interval", "1m")
                .replace("$instance", ".*")
                .replace("$job", "strand");
            rules.append("      # ").append(q.getKey()).append('\n')
                .append("      - record: dashboard:query_").append(n++).append('\n')
                .append("        expr: \"").append(expr.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        final Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules.toString(), StandardCharsets.UTF_8);
        final Process p = new ProcessBuilder(promtool, "check", "rules", file.toString()).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s%n%s", output, rules).isZero();
        assertThat(output).contains("SUCCESS: " + n + " rules found");
    }

    private static String onPath(final String tool)
    {
        final String path = System.getenv("PATH");
        for (final String d : path == null ? new String[0] : path.split(File.pathSeparator))
        {
            final Path candidate = Path.of(d, tool);
            if (Files.isExecutable(candidate))
            {
                return candidate.toString();
            }
        }
        return null;
    }

    @Test
    void shouldGiveEveryAlertASeveritySummaryDescriptionAndARunbookThatExists()
    {
        final Set<String> anchors = FILES.anchors("docs/metrics.md");
        assertThat(FILES.alertRules()).hasSizeGreaterThanOrEqualTo(15);
        for (final Map<String, Object> rule : FILES.alertRules())
        {
            final String name = (String) rule.get("alert");
            @SuppressWarnings("unchecked") final Map<String, String> labels = (Map<String, String>) rule.get("labels");
            @SuppressWarnings("unchecked") final Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
            assertThat(labels.get("severity")).as(name).isIn("critical", "warning");
            assertThat(annotations.get("summary")).as(name).isNotBlank();
            assertThat(annotations.get("description")).as(name).isNotBlank();
            final Matcher runbook = RUNBOOK.matcher(annotations.get("runbook_url"));
            assertThat(runbook.matches()).as("%s: runbook_url %s", name, annotations.get("runbook_url")).isTrue();
            assertThat(runbook.group(1)).as("%s's runbook anchor is the alert's name", name).isEqualTo(name.toLowerCase());
            assertThat(anchors).as("docs/metrics.md has a heading for %s", name).contains(runbook.group(1));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldTestEveryAlertFiringAndStayingQuiet()
    {
        for (final Map<String, Object> rule : FILES.alertRules())
        {
            final String name = (String) rule.get("alert");
            boolean fires = false;
            boolean quiet = false;
            for (final Map<String, Object> test : FILES.ruleTests())
            {
                final Set<String> instances = new HashSet<>();
                for (final Map<String, Object> series : (List<Map<String, Object>>) test.getOrDefault("input_series", List.of()))
                {
                    final Matcher m = INSTANCE.matcher((String) series.get("series"));
                    if (m.find())
                    {
                        instances.add(m.group(1));
                    }
                }
                for (final Map<String, Object> eval : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of()))
                {
                    if (!name.equals(eval.get("alertname")))
                    {
                        continue;
                    }
                    final List<Map<String, Object>> expected = (List<Map<String, Object>>) eval.getOrDefault("exp_alerts", List.of());
                    final Set<String> firing = new HashSet<>();
                    for (final Map<String, Object> alert : expected)
                    {
                        firing.add(String.valueOf(((Map<String, Object>) alert.get("exp_labels")).get("instance")));
                    }
                    fires |= !expected.isEmpty();
                    quiet |= expected.isEmpty() || !firing.containsAll(instances);
                }
            }
            assertThat(fires).as("alerts-test.yml makes %s fire", name).isTrue();
            assertThat(quiet).as("alerts-test.yml has series that leave %s quiet", name).isTrue();
        }
    }

    @Test
    void shouldNameOnlyMetricsChecksCanFindRecordingRulesOfTheFileOrPrometheusOwn()
    {
        final Set<String> records = FILES.recordNames();
        for (final Map.Entry<String, Set<String>> used : FILES.namesUsed().entrySet())
        {
            final String name = used.getKey();
            assertThat(OpsFiles.checkedAgainstAScrape(name) || records.contains(name) || OpsFiles.PROMETHEUS_OWN.contains(name))
                .as("%s (used by %s) is a Strand, JVM or Vert.x metric, a recording rule of alerts.yml, or Prometheus's own", name, used.getValue())
                .isTrue();
        }
        assertThat(FILES.namesUsed().keySet()).as("the rules use what they record").containsAll(records);
    }
}
