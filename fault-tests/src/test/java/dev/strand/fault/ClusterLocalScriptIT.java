package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/cluster-local}, run the way the README's "Running three nodes" tells a new user to, step by step
 * (start, a command on one node read on another, the leader killed with {@code kill -9} by the pid the script
 * recorded, another leader in {@code status}, the killed node started again, stop), and its refusals: bad usage,
 * the jar missing, a port in use, already running. Only the ports and the data directory differ from the README's
 * (the script's environment variables), so that the test never meets a cluster a user runs on this machine.
 */
class ClusterLocalScriptIT
{
    private static final Pattern NODE_LINE = Pattern.compile("(?m)^node (\\d)  pid (\\d+)  http://127\\.0\\.0\\.1:(\\d+)  (\\{.*})$");

    record Run(int exit, String out, String err)
    {
        @Override
        public String toString()
        {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    @Timeout(240)
    void shouldRunTheReadmeStepsAndRefuseWhatItCannotDo(final TestInfo info) throws Exception
    {
        final Path work = Work.fresh("cluster-local-" + info.getTestMethod().orElseThrow().getName());
        final Path data = work.resolve("data");
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final int[] httpPorts = freeTcpPorts(3);
        final int[] basePorts = StrandCluster.freeBasePorts(3, new Random(seed));
        final Map<String, String> env = new HashMap<>();
        env.put("CLUSTER_LOCAL_DIR", data.toString());
        env.put("CLUSTER_LOCAL_HTTP_PORTS", httpPorts[0] + "," + httpPorts[1] + "," + httpPorts[2]);
        env.put("CLUSTER_LOCAL_BASE_PORTS", basePorts[0] + "," + basePorts[1] + "," + basePorts[2]);
        env.put("STRAND_JAR", StrandProcess.jar().toString());
        env.put("CLUSTER_LOCAL_JAVA_OPTS", "-Xmx384m");
        env.put("JAVA", StrandProcess.javaBin());
        // a loaded 2-core box can take more than the default 60 s to start three JVMs and elect
        env.put("CLUSTER_LOCAL_TIMEOUT", "120");
        try
        {
            // bad usage: exit 2, one line and the usage
            assertThat(run(env).exit()).isEqualTo(2);
            final Run unknown = run(env, "restart");
            assertThat(unknown.exit()).as("%s", unknown).isEqualTo(2);
            assertThat(unknown.err()).contains("unknown command 'restart'").contains("usage:");
            assertThat(run(env, "start", "3").err()).contains("'3' is not a node");
            final Map<String, String> badPorts = new HashMap<>(env);
            badPorts.put("CLUSTER_LOCAL_HTTP_PORTS", "8081,8082");
            assertThat(run(badPorts, "status").err()).contains("expected three comma-separated ports");
            assertThat(run(env, "--help").out()).contains("scripts/cluster-local start");

            // nothing running yet
            final Run none = run(env, "status");
            assertThat(none.exit()).as("%s", none).isEqualTo(3);
            assertThat(none.out()).contains("node 0  down").contains("node 2  down");
            assertThat(run(env, "stop").out()).contains("no node is running");

            // the jar missing: exit 5, saying how to build it
            final Map<String, String> noJar = new HashMap<>(env);
            noJar.put("STRAND_JAR", work.resolve("missing.jar").toString());
            final Run missing = run(noJar, "start");
            assertThat(missing.exit()).as("%s", missing).isEqualTo(5);
            assertThat(missing.err()).contains("not found: build it first with 'mvn -q -DskipTests package'");

            // a port in use: exit 4, naming it; nothing started
            try (ServerSocket taken = new ServerSocket(httpPorts[1], 10, InetAddress.getLoopbackAddress()))
            {
                final Run busy = run(env, "start");
                assertThat(busy.exit()).as("%s", busy).isEqualTo(4);
                assertThat(busy.err()).contains("port 127.0.0.1:" + httpPorts[1] + " (node 1's HTTP port) is in use");
                assertThat(run(env, "status").exit()).isEqualTo(3);
            }

            // start: three nodes, a leader (ports free when drawn can be taken meanwhile by other test runs on the
            // box, which draw from the same ranges: then a node exits saying so, and the start is tried on new ones)
            Run start = run(env, "start");
            for (int attempt = 1; attempt < 3 && start.exit() == 1 && start.err().contains("is in use by another process"); attempt++)
            {
                run(env, "stop");
                Work.delete(data);
                final int[] newHttp = freeTcpPorts(3);
                System.arraycopy(newHttp, 0, httpPorts, 0, 3);
                final int[] newBase = StrandCluster.freeBasePorts(3, new Random(seed + attempt));
                env.put("CLUSTER_LOCAL_HTTP_PORTS", httpPorts[0] + "," + httpPorts[1] + "," + httpPorts[2]);
                env.put("CLUSTER_LOCAL_BASE_PORTS", newBase[0] + "," + newBase[1] + "," + newBase[2]);
                start = run(env, "start");
            }
            assertThat(start.exit()).as("%s", start).isZero();
            Map<Integer, JsonObject> status = status(env, 0);
            final int leader = leaderOf(status);
            for (int n = 0; n < 3; n++)
            {
                assertThat(Files.exists(data.resolve("node" + n).resolve("strand.log"))).isTrue();
                assertThat(Files.readString(data.resolve("node" + n).resolve("pid")).trim()).matches("\\d+");
            }
            final Run again = run(env, "start");
            assertThat(again.exit()).as("%s", again).isEqualTo(3);
            assertThat(again.err()).contains("already running");

            // a command on node 0, read on node 2
            final Http node0 = new Http(httpPorts[0]);
            final Http.Response opened = node0.command(Http.open("acc-readme"));
            assertThat(opened.statusCode()).as("%s", opened).isEqualTo(200);
            final Http.Response deposited = node0.command(Http.deposit("acc-readme", 500));
            assertThat(deposited.statusCode()).as("%s", deposited).isEqualTo(200);
            final long position = deposited.json().getLong("position");
            final Http.Response read = new Http(httpPorts[2]).get("/aggregates/acc-readme?minPosition=" + position);
            assertThat(read.statusCode()).as("%s", read).isEqualTo(200);
            assertThat(read.json().getJsonObject("state").getLong("balance")).isEqualTo(500);

            // kill -9 the leader by its recorded pid; another takes over; status says it is down
            final long leaderPid = Long.parseLong(Files.readString(data.resolve("node" + leader).resolve("pid")).trim());
            ProcessHandle.of(leaderPid).orElseThrow().destroyForcibly();
            ProcessHandle.of(leaderPid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
            final int[] next = {-1};
            Waits.await("another leader in status").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
            {
                final Run s = run(env, "status");
                if (s.exit() != 1 || !s.out().contains("node " + leader + "  down"))
                {
                    return false;
                }
                final Map<Integer, JsonObject> views = parse(s.out());
                next[0] = views.size() == 2 ? leaderOf(views) : -1;
                return next[0] >= 0 && next[0] != leader;
            });
            final Http.Response afterKill = new Http(httpPorts[(leader + 1) % 3]).command(Http.deposit("acc-readme", 1));
            assertThat(afterKill.statusCode()).as("a write after the leader's kill: %s", afterKill).isEqualTo(200);

            // start again: only the killed node starts; it catches up
            final Run restart = run(env, "start");
            assertThat(restart.exit()).as("%s", restart).isZero();
            assertThat(restart.out()).contains("node " + leader + " starting").contains("already running");
            status = status(env, 0);
            assertThat(leaderOf(status)).isEqualTo(next[0]);
            final Http.Response caughtUp = new Http(httpPorts[leader]).get("/aggregates/acc-readme?minPosition=" + (position + 1));
            assertThat(caughtUp.json().getJsonObject("state").getLong("balance")).as("%s", caughtUp).isEqualTo(501);

            // stop: every node exits; status: none running
            final Run stop = run(env, "stop");
            assertThat(stop.exit()).as("%s", stop).isZero();
            assertThat(stop.out()).contains("node 0 stopped").contains("node 1 stopped").contains("node 2 stopped");
            assertThat(run(env, "status").exit()).isEqualTo(3);
            for (int n = 0; n < 3; n++)
            {
                assertThat(data.resolve("node" + n).resolve("pid")).doesNotExist();
            }
        }
        finally
        {
            run(env, "stop");
            killRecorded(data);
        }
        Work.delete(work);
    }

    /** Runs status until every node answers (exit {@code expected}); returns each node's /admin/cluster. */
    private static Map<Integer, JsonObject> status(final Map<String, String> env, final int expected)
    {
        final Run s = run(env, "status");
        assertThat(s.exit()).as("%s", s).isEqualTo(expected);
        final Map<Integer, JsonObject> views = parse(s.out());
        assertThat(views).as("%s", s).hasSize(3);
        return views;
    }

    private static Map<Integer, JsonObject> parse(final String out)
    {
        final Map<Integer, JsonObject> views = new HashMap<>();
        final Matcher m = NODE_LINE.matcher(out);
        while (m.find())
        {
            views.put(Integer.parseInt(m.group(1)), new JsonObject(m.group(4)));
        }
        return views;
    }

    /** The one node that says it is the leader, which every other answering node names; -1 if not so. */
    private static int leaderOf(final Map<Integer, JsonObject> views)
    {
        int leader = -1;
        for (final Map.Entry<Integer, JsonObject> e : views.entrySet())
        {
            if ("leader".equals(e.getValue().getString("role")))
            {
                if (leader >= 0)
                {
                    return -1;
                }
                leader = e.getKey();
            }
        }
        for (final JsonObject v : views.values())
        {
            if (v.getInteger("leaderMemberId") != leader)
            {
                return -1;
            }
        }
        return leader;
    }

    private static Run run(final Map<String, String> env, final String... args)
    {
        final List<String> cmd = new ArrayList<>(List.of("bash", script().toString()));
        cmd.addAll(List.of(args));
        try
        {
            final ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            final Path out = Files.createTempFile("cluster-local", ".out");
            final Path err = Files.createTempFile("cluster-local", ".err");
            try
            {
                final Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(150, TimeUnit.SECONDS))
                {
                    p.destroyForcibly();
                    throw new AssertionError("scripts/cluster-local " + String.join(" ", args) + " did not end in 150 s");
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            }
            finally
            {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static Path script()
    {
        final Path script = Path.of("..", "scripts", "cluster-local").toAbsolutePath().normalize();
        if (!Files.isRegularFile(script))
        {
            throw new IllegalStateException("the script " + script + " is missing");
        }
        return script;
    }

    /** After a failure: the nodes this test had the script start, by the pids it recorded, if still alive. */
    private static void killRecorded(final Path data)
    {
        for (int n = 0; n < 3; n++)
        {
            final Path pidFile = data.resolve("node" + n).resolve("pid");
            try
            {
                if (Files.exists(pidFile))
                {
                    final long pid = Long.parseLong(Files.readString(pidFile).trim());
                    ProcessHandle.of(pid).filter(p -> p.info().commandLine().orElse("").contains(data.toString()))
                        .ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            catch (final IOException | NumberFormatException ex)
            {
                System.err.println("cannot read " + pidFile + ": " + ex);
            }
        }
    }

    private static int[] freeTcpPorts(final int count) throws IOException
    {
        final int[] ports = new int[count];
        final List<ServerSocket> open = new ArrayList<>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                final ServerSocket s = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        }
        finally
        {
            for (final ServerSocket s : open)
            {
                s.close();
            }
        }
        return ports;
    }
}
