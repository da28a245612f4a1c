package dev.strand.gateway;

import dev.strand.gateway.http.ApiKeys;
import dev.strand.gateway.ops.OpsFiles;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static dev.strand.gateway.TestServer.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard (ops/grafana/strand.json) and the alert rules (ops/prometheus/alerts.yml) against live scrapes:
 * every metric name their expressions select exists in what a real server exposes after traffic, on a server alone
 * (all but the cluster's) and on a cluster member (all of them); the cluster's exist on members only; every Strand
 * metric of either scrape, and every name the files use, is documented in docs/metrics.md.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MonitoringIT
{
    private static final String READER = "monitoring-reader";
    private static final String WRITER = "monitoring-writer";
    private static final String ADMIN = "monitoring-admin";
    private static final OpsFiles FILES = OpsFiles.find();

    private static MultiMap bearer(final String key)
    {
        return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + key);
    }

    /** Names to find in a scrape, with where each is used. */
    private static Map<String, Set<String>> checked()
    {
        final Map<String, Set<String>> names = new TreeMap<>();
        FILES.namesUsed().forEach((name, where) ->
        {
            if (OpsFiles.checkedAgainstAScrape(name))
            {
                names.put(name, where);
            }
        });
        assertThat(names).as("names parsed out of the files").hasSizeGreaterThan(30);
        return names;
    }

    @Test
    void shouldExposeEveryMetricTheDashboardAndTheRulesUseOnAServerAlone(@TempDir final Path dir)
    {
        final Map<String, String> flags = Map.of("api-keys",
            "reader:" + ApiKeys.sha256Hex(READER) + ",writer:" + ApiKeys.sha256Hex(WRITER) + ",admin:" + ApiKeys.sha256Hex(ADMIN));
        try (TestServer server = TestServer.start(dir, flags))
        {
            traffic(server);
            final Scrape scrape = scrapeAfterACollection(server);
            for (final Map.Entry<String, Set<String>> used : checked().entrySet())
            {
                final String name = used.getKey();
                if (name.startsWith(OpsFiles.CLUSTER_PREFIX))
                {
                    assertThat(scrape.names()).as("%s is a cluster member's only", name).doesNotContain(name);
                }
                else
                {
                    assertThat(scrape.names()).as("%s, used by %s, in a server's scrape", name, used.getValue()).contains(name);
                }
            }
            assertDocumented(scrape);
            assertThat(scrape.value("strand_http_problems_total{code=\"UNAUTHENTICATED\",status=\"401\"}")).isEqualTo(1);
            assertThat(scrape.value("strand_commands_total{outcome=\"replayed\"}")).isEqualTo(1);
            assertThat(scrape.value("strand_append_latency_seconds_count")).isEqualTo(4);
        }
    }

    @Test
    void shouldExposeEveryMetricTheDashboardAndTheRulesUseOnAClusterMember(@TempDir final Path dir)
    {
        // a cluster of one member: a real Aeron Cluster member (consensus module, archive, service), its own leader
        final Map<String, String> flags = Map.of(
            "cluster-members", ClusterPorts.freeMembers(1),
            "member-id", "0",
            "idempotency-window", "10000");
        try (TestServer member = TestServer.start(dir, flags))
        {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> member.get("/admin/cluster").bodyAsJsonObject().getInteger("leaderMemberId") == 0);
            member.open("mon-1");
            member.deposit("mon-1", 10);
            final Scrape scrape = scrapeAfterACollection(member, MultiMap.caseInsensitiveMultiMap());
            for (final Map.Entry<String, Set<String>> used : checked().entrySet())
            {
                assertThat(scrape.names()).as("%s, used by %s, in a cluster member's scrape", used.getKey(), used.getValue())
                    .contains(used.getKey());
            }
            assertDocumented(scrape);
            assertThat(scrape.value("strand_cluster_role{role=\"leader\"}")).isEqualTo(1);
            assertThat(scrape.value("strand_cluster_leader_member_id")).isZero();
            assertThat(scrape.has("strand_http_problems_total{code=\"NO_LEADER\",status=\"503\"}")).isTrue();
        }
    }

    /** Commands (accepted, replayed, reused, rejected), refusals (401, 403), reads and a snapshot. */
    private static void traffic(final TestServer server)
    {
        final JsonObject open = envelope("OpenAccount", "mon-1", new JsonObject().put("owner", "Ada"));
        TestServer.expectOk(server.post("/commands", open, bearer(WRITER)));
        final JsonObject deposit = envelope("Deposit", "mon-1", new JsonObject().put("amount", 100));
        TestServer.expectOk(server.post("/commands", deposit, bearer(WRITER)));
        final HttpResponse<Buffer> replayed = server.post("/commands", deposit, bearer(WRITER));
        assertThat(replayed.getHeader("Idempotent-Replayed")).isEqualTo("true");
        final JsonObject reused = deposit.copy().put("data", new JsonObject().put("amount", 7));
        assertThat(server.post("/commands", reused, bearer(WRITER)).statusCode()).isEqualTo(422);
        final JsonObject tooMuch = envelope("Withdraw", "mon-1", new JsonObject().put("amount", 1_000));
        assertThat(server.post("/commands", tooMuch, bearer(WRITER)).statusCode()).isEqualTo(422);
        for (int i = 0; i < 2; i++)
        {
            TestServer.expectOk(server.post("/commands", envelope("Deposit", "mon-1", new JsonObject().put("amount", 1)), bearer(WRITER)));
        }
        assertThat(server.post("/commands", open).statusCode()).isEqualTo(401);
        assertThat(server.post("/commands", open, bearer(READER)).statusCode()).isEqualTo(403);
        TestServer.expectOk(server.get("/events?fromPosition=1", bearer(READER)));
        TestServer.expectOk(server.get("/aggregates/mon-1?minPosition=3", bearer(READER)));
        TestServer.expectOk(server.post("/admin/snapshots", new JsonObject(), bearer(ADMIN)));
    }

    private static Scrape scrapeAfterACollection(final TestServer server)
    {
        return scrapeAfterACollection(server, bearer(READER));
    }

    /** Micrometer's GC pause timer appears at the first collection it is told of: one is asked for. */
    private static Scrape scrapeAfterACollection(final TestServer server, final MultiMap headers)
    {
        System.gc();
        final Scrape[] scrape = new Scrape[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
        {
            scrape[0] = Scrape.of(TestServer.expectOk200Text(server.get("/metrics", headers)));
            return scrape[0].names().contains("jvm_gc_pause_seconds_count");
        });
        return scrape[0];
    }

    /** Every Strand metric of the scrape and every name the files use has its entry in docs/metrics.md. */
    private static void assertDocumented(final Scrape scrape)
    {
        final String doc = FILES.read("docs/metrics.md");
        final Set<String> names = new TreeSet<>(checked().keySet());
        scrape.names().stream().filter(n -> n.startsWith("strand_")).forEach(names::add);
        for (final String name : names)
        {
            final String family = name.replaceFirst("_(bucket|count|sum)$", "");
            assertThat(doc.contains("`" + name + "`") || doc.contains("`" + family + "`"))
                .as("docs/metrics.md documents %s", name).isTrue();
        }
    }
}
