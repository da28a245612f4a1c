package dev.strand.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP contract of cluster mode (docs/api.md, "Running a cluster of three nodes"), on three real gateways in this
 * JVM, each a real Aeron Cluster member on loopback. Crashes and kill -9 are the fault tests' (child JVMs); here the
 * answers: where a write may go, what it answers, read-your-writes on another node, idempotency across nodes, the
 * admin endpoints, the 503s of a node without a majority while its reads go on.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterHttpIT
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final TestServer[] nodes = new TestServer[3];
    private String members;

    @AfterEach
    void stop()
    {
        for (int i = 0; i < nodes.length; i++)
        {
            close(i);
        }
    }

    private void close(final int i)
    {
        if (nodes[i] != null)
        {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    private void startAll()
    {
        members = ClusterPorts.freeMembers(3);
        final List<Thread> starters = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++)
        {
            final int id = i;
            final Thread t = new Thread(() -> nodes[id] = startNode(id));
            t.start();
            starters.add(t);
        }
        for (final Thread t : starters)
        {
            try
            {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final TestServer n : nodes)
        {
            assertThat(n).as("every member started").isNotNull();
        }
    }

    private TestServer startNode(final int id)
    {
        final Map<String, String> flags = new HashMap<>();
        flags.put("cluster-members", members);
        flags.put("member-id", Integer.toString(id));
        flags.put("cluster-write-timeout-ms", "3000");
        // three members in one JVM on a shared 2-core box: a longer heartbeat timeout keeps CPU stalls from electing
        flags.put("cluster-heartbeat-timeout-ms", "2000");
        flags.put("idempotency-window", "10000");
        return TestServer.start(dir.resolve("node" + id), flags);
    }

    /** Waits until every running member names the same leader. */
    private int awaitLeader()
    {
        final int[] leader = {-1};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
        {
            int agreed = -1;
            for (final TestServer n : nodes)
            {
                if (n != null)
                {
                    final int named = n.get("/admin/cluster").bodyAsJsonObject().getInteger("leaderMemberId");
                    if (named < 0 || (agreed >= 0 && named != agreed))
                    {
                        return false;
                    }
                    agreed = named;
                }
            }
            leader[0] = agreed;
            return agreed >= 0;
        });
        return leader[0];
    }

    @Test
    void shouldTakeWritesOnAnyNodeAndServeReadsAndIdempotencyFromEveryNode()
    {
        startAll();
        final int leader = awaitLeader();
        final int follower = (leader + 1) % 3;
        final int other = (leader + 2) % 3;

        // no commandId: the gateway gives one at ingress
        final JsonObject opened = TestServer.expectOk(nodes[follower].post("/commands", new JsonObject()
            .put("type", "OpenAccount").put("aggregateId", "acc-1").put("data", new JsonObject().put("owner", "ann"))));
        assertThat(opened.getString("commandId")).isNotBlank();
        assertThat(opened.getLong("position")).isEqualTo(1);

        final JsonObject deposit = new JsonObject().put("commandId", "dep-1").put("type", "Deposit")
            .put("aggregateId", "acc-1").put("data", new JsonObject().put("amount", 250));
        // with a W3C traceparent: it travels through the cluster's log into every member's journal
        final String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        final JsonObject first = TestServer.expectOk(nodes[other].post("/commands", deposit,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("traceparent", traceparent)));
        final long position = first.getLong("position");
        assertThat(first.getJsonArray("events").getJsonObject(0).getString("traceparent")).isEqualTo(traceparent);

        // read-your-writes on a node that did not take the write
        final JsonObject read = TestServer.expectOk(nodes[leader].get("/aggregates/acc-1?minPosition=" + position));
        assertThat(read.getJsonObject("state").getLong("balance")).isEqualTo(250);

        // the same commandId on another node: the original answer, not a second deposit
        final HttpResponse<Buffer> again = nodes[follower].post("/commands", deposit);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.bodyAsJsonObject().getLong("position")).isEqualTo(position);
        assertThat(again.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getString("traceparent"))
            .as("the replay answers the original's trace").isEqualTo(traceparent);

        // every node's journal holds the same events at the same positions, and the states hash equal
        final List<String> hashes = new ArrayList<>();
        for (final TestServer n : nodes)
        {
            await().atMost(WAIT).until(() -> n.get("/admin/state-hash").bodyAsJsonObject().getLong("position") == position);
            hashes.add(n.get("/admin/state-hash").bodyAsJsonObject().getString("stateHash"));
            final JsonObject page = TestServer.expectOk(n.get("/events?fromPosition=1"));
            assertThat(page.getJsonArray("events").size()).isEqualTo(2);
            assertThat(page.getJsonArray("events").getJsonObject(1).getString("commandId")).isEqualTo("dep-1");
            assertThat(page.getJsonArray("events").getJsonObject(1).getString("traceparent")).isEqualTo(traceparent);
            assertThat(page.getJsonArray("events").getJsonObject(0).containsKey("traceparent")).isFalse();
            assertThat(TestServer.expectOk(n.get("/aggregates/acc-1?minPosition=" + position))
                .getJsonObject("state").getLong("balance")).isEqualTo(250);
        }
        assertThat(hashes).hasSize(3).allMatch(h -> h.equals(hashes.get(0)));

        // every member folds its own journal into the ledger's projection: the same row everywhere
        final List<JsonObject> rows = new ArrayList<>();
        for (final TestServer n : nodes)
        {
            await().atMost(WAIT).until(() -> n.get("/projections").bodyAsJsonObject().getJsonArray("projections")
                .stream().map(JsonObject.class::cast).filter(p -> "balances-by-currency".equals(p.getString("name")))
                .anyMatch(p -> p.getLong("position") == position));
            rows.add(TestServer.expectOk(n.get("/projections/balances-by-currency/EUR")).getJsonObject("row"));
        }
        assertThat(rows.get(0).getLong("balance")).isEqualTo(250);
        assertThat(rows.get(0).getLong("openAccounts")).isEqualTo(1);
        assertThat(rows).allMatch(r -> r.equals(rows.get(0)));

        final JsonObject view = TestServer.expectOk(nodes[follower].get("/admin/cluster"));
        assertThat(view.getInteger("memberId")).isEqualTo(follower);
        assertThat(view.getString("role")).isEqualTo("follower");
        assertThat(view.getInteger("leaderMemberId")).isEqualTo(leader);
        assertThat(view.getInteger("clusterSize")).isEqualTo(3);
        assertThat(view.getLong("journalPosition")).isEqualTo(position);
        assertThat(view.getLong("elections")).isGreaterThanOrEqualTo(1);

        final String metrics = nodes[follower].get("/metrics").bodyAsString();
        assertThat(metrics).contains("strand_cluster_role{role=\"follower\"} 1.0")
            .contains("strand_cluster_leader_member_id " + leader + ".0")
            .contains("strand_cluster_elections_total")
            .contains("strand_cluster_journal_lag_bytes");

        // a snapshot is the leader's to ask for: 409 on a follower, naming the leader
        final HttpResponse<Buffer> refused = nodes[follower].post("/admin/snapshots", new JsonObject());
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("NOT_LEADER");
        assertThat(refused.bodyAsJsonObject().getInteger("leaderMemberId")).isEqualTo(leader);
        final JsonObject snapshot = TestServer.expectOk(nodes[leader].post("/admin/snapshots", new JsonObject()));
        assertThat(snapshot.getLong("position")).isEqualTo(position);

        // a member runs no retention: 409 saying so, nothing written
        final HttpResponse<Buffer> member = nodes[leader].post("/admin/journal/retention", new JsonObject());
        assertThat(member.statusCode()).isEqualTo(409);
        assertThat(member.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(member.bodyAsJsonObject().getString("code")).isEqualTo("CLUSTER_MEMBER");
        assertThat(member.bodyAsJsonObject().getString("detail")).contains("cluster member").contains("operations.md");

        // a member's online backup is its journal up to where it ended, with the chain hash there (no snapshot: the
        // restore replays it); it seeds a new cluster (ClusterSeedIT) or restores a single node
        final JsonObject backup = TestServer.expectOk(nodes[follower].post("/admin/backups", new JsonObject()));
        assertThat(backup.getLong("position")).isEqualTo(position);
        assertThat(backup.getLong("snapshotPosition")).isZero();
        assertThat(java.nio.file.Files.isDirectory(java.nio.file.Path.of(backup.getString("path")))).isTrue();
        assertThat(backup.getString("hash")).isEqualTo(
            TestServer.expectOk(nodes[follower].get("/admin/journal/head")).getString("hash"));
    }

    @Test
    void shouldRefuseWritesWithoutAMajorityWhileReadsGoOnAndRecoverWhenAMemberReturns()
    {
        startAll();
        final int leader = awaitLeader();
        // a node's cluster client may still be connecting when the members have elected a leader (503 NO_LEADER with
        // Retry-After): a client retries, with the same commandId
        final JsonObject open = new JsonObject().put("commandId", "open-1")
            .put("type", "OpenAccount").put("aggregateId", "acc-1").put("data", new JsonObject().put("owner", "ann"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
            .until(() -> nodes[leader].post("/commands", open).statusCode() == 200);
        final int last = (leader + 1) % 3;
        final int returning = (leader + 2) % 3;
        await().atMost(WAIT).until(() -> nodes[last].get("/admin/cluster").bodyAsJsonObject().getLong("journalPosition") == 1);
        close(leader);
        close(returning);

        final JsonObject write = new JsonObject().put("commandId", "dep-1").put("type", "Deposit")
            .put("aggregateId", "acc-1").put("data", new JsonObject().put("amount", 5));
        final HttpResponse<Buffer> refused = nodes[last].post("/commands", write);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isNotBlank();
        assertThat(refused.getHeader("Content-Type")).isEqualTo("application/problem+json");
        // the first write may have gone to the dead leader before this member saw it go: sent and unanswered is
        // OUTCOME_UNKNOWN (it might have been committed), never a promise that it was not executed
        assertThat(refused.bodyAsJsonObject().getString("code")).isIn("NO_LEADER", "NO_QUORUM", "OUTCOME_UNKNOWN");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
        {
            final HttpResponse<Buffer> r = nodes[last].post("/commands", write);
            return r.statusCode() == 503 && "NO_QUORUM".equals(r.bodyAsJsonObject().getString("code"));
        });

        // reads go on from this node's own journal
        assertThat(TestServer.expectOk(nodes[last].get("/aggregates/acc-1")).getInteger("version")).isEqualTo(1);
        assertThat(TestServer.expectOk(nodes[last].get("/events?fromPosition=1")).getJsonArray("events").size()).isEqualTo(1);
        assertThat(nodes[last].get("/health/ready").statusCode()).isEqualTo(200);

        // a second member returns: a majority again, writes go through
        nodes[returning] = startNode(returning);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
            .until(() -> nodes[last].post("/commands", write).statusCode() == 200);
        await().atMost(WAIT).until(() -> nodes[returning].get("/aggregates/acc-1").statusCode() == 200 &&
            nodes[returning].get("/aggregates/acc-1").bodyAsJsonObject().getInteger("version") == 2);
        assertThat(TestServer.expectOk(nodes[returning].get("/aggregates/acc-1")).getJsonObject("state").getLong("balance"))
            .as("the deposit was executed once, however often it was tried").isEqualTo(5);
    }
}
