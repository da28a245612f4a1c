package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Three (or five) {@code strand.jar} child processes in cluster mode on loopback, each with its own data directory
 * under the test's work directory ({@code nodeN/}) and a log per launch ({@code nodeN-L.log}). Base ports are drawn at
 * random from {@value #FIRST_BASE}-{@value #LAST_BASE} in steps of 100 and checked bind-able (UDP) before use; HTTP
 * ports are ephemeral, so a restarted node listens on a new one ({@link #http} always gives the current one).
 */
final class StrandCluster implements AutoCloseable
{
    static final int FIRST_BASE = 21_000;
    static final int LAST_BASE = 28_900;
    /** A member uses its base port to base + 9. */
    static final int PORTS_PER_MEMBER = 10;
    static final Duration START = Duration.ofSeconds(90);
    /** A member that does not answer GET /admin/cluster within this counts as not answering. */
    static final Duration VIEW_TIMEOUT = Duration.ofSeconds(2);

    /** A member's {@code GET /admin/cluster}. */
    record View(int memberId, String role, int leaderMemberId, int clusterSize, long journalPosition, long commitPosition,
                long elections)
    {
        static View of(final JsonObject o)
        {
            return new View(o.getInteger("memberId"), o.getString("role"), o.getInteger("leaderMemberId", -1),
                o.getInteger("clusterSize"), o.getLong("journalPosition", -1L), o.getLong("commitPosition", -1L),
                o.getLong("elections", -1L));
        }

        boolean isLeader()
        {
            return "leader".equals(role);
        }

        boolean isFollower()
        {
            return "follower".equals(role);
        }
    }

    private final Path work;
    private final int[] basePorts;
    private final String members;
    private final Consumer<StrandProcess.Builder> options;
    private final StrandProcess[] processes;
    private final Http[] https;
    private final int[] launches;

    private StrandCluster(final Path work, final int size, final Consumer<StrandProcess.Builder> options, final Random random)
    {
        this.work = work;
        this.basePorts = freeBasePorts(size, random);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++)
        {
            sb.append(i == 0 ? "" : ",").append(i).append("=127.0.0.1:").append(basePorts[i]);
        }
        this.members = sb.toString();
        this.options = options;
        this.processes = new StrandProcess[size];
        this.https = new Http[size];
        this.launches = new int[size];
    }

    /** Launches every member at once (a member alone has no leader to be ready with), then waits for a leader. */
    static StrandCluster start(final Path work, final int size, final long seed)
    {
        return start(work, size, seed, b -> { });
    }

    static StrandCluster start(final Path work, final int size, final long seed, final Consumer<StrandProcess.Builder> options)
    {
        final Random random = new Random(seed);
        for (int attempt = 1; ; attempt++)
        {
            final StrandCluster cluster = new StrandCluster(work, size, options, random);
            try
            {
                for (int i = 0; i < size; i++)
                {
                    cluster.launch(i);
                }
                for (int i = 0; i < size; i++)
                {
                    cluster.awaitListening(i);
                }
                cluster.awaitLeader(START);
                return cluster;
            }
            catch (final RuntimeException | Error ex)
            {
                cluster.close();
                // Base ports free when drawn can be taken before the members bind them (other test runs on the box
                // draw from the same range): a member then exits saying so. Draw again, at most three times.
                if (attempt == 3 || !cluster.portTaken())
                {
                    throw ex;
                }
                System.err.println("cluster start " + attempt + ": a cluster port was taken meanwhile; new ports: " + ex);
                cluster.setAside(attempt);
            }
        }
    }

    /** Whether a member exited because one of its ports was in use. */
    private boolean portTaken()
    {
        for (int id = 0; id < size(); id++)
        {
            final StrandProcess p = process(id);
            if (p != null && !p.isAlive() && p.log().contains("is in use by another process"))
            {
                return true;
            }
        }
        return false;
    }

    /** After a failed start: its logs renamed {@code start-N-...}, its data directories deleted. */
    private void setAside(final int attempt)
    {
        for (final Path log : logs())
        {
            try
            {
                if (java.nio.file.Files.exists(log))
                {
                    java.nio.file.Files.move(log, log.resolveSibling("start-" + attempt + "-" + log.getFileName()));
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        for (int id = 0; id < size(); id++)
        {
            Work.delete(dataDir(id));
        }
    }

    /** Draws distinct base ports whose ten UDP ports can all be bound on 127.0.0.1 now. */
    static int[] freeBasePorts(final int count, final Random random)
    {
        final int slots = (LAST_BASE - FIRST_BASE) / 100 + 1;
        final Set<Integer> tried = new HashSet<>();
        final List<Integer> chosen = new ArrayList<>();
        while (chosen.size() < count)
        {
            if (tried.size() == slots)
            {
                throw new IllegalStateException("no " + count + " free base ports in " + FIRST_BASE + "-" + LAST_BASE);
            }
            final int base = FIRST_BASE + 100 * random.nextInt(slots);
            if (tried.add(base) && udpFree(base, PORTS_PER_MEMBER))
            {
                chosen.add(base);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    static boolean udpFree(final int base, final int count)
    {
        final List<DatagramSocket> bound = new ArrayList<>();
        try
        {
            for (int p = base; p < base + count; p++)
            {
                final DatagramSocket s = new DatagramSocket(null);
                bound.add(s);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
            }
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
        finally
        {
            bound.forEach(DatagramSocket::close);
        }
    }

    int size()
    {
        return processes.length;
    }

    String members()
    {
        return members;
    }

    int basePort(final int id)
    {
        return basePorts[id];
    }

    Path dataDir(final int id)
    {
        return work.resolve("node" + id);
    }

    /** Starts member {@code id} over its data directory, without waiting. */
    synchronized StrandProcess launch(final int id)
    {
        if (processes[id] != null && processes[id].isAlive())
        {
            throw new IllegalStateException("member " + id + " is running");
        }
        https[id] = null;
        final int launch = launches[id]++;
        final StrandProcess.Builder b = StrandProcess.builder(dataDir(id))
            .flag("cluster-members", members)
            .flag("member-id", id)
            .jvm("-XX:ErrorFile=" + work.resolve("node" + id + "-" + launch + "-hs_err.log"))
            .log(work.resolve("node" + id + "-" + launch + ".log"));
        options.accept(b);
        processes[id] = b.launch();
        return processes[id];
    }

    /** Waits until member {@code id} logs its start-up line; from then on {@link #http} serves it. */
    Http awaitListening(final int id)
    {
        final StrandProcess p = process(id);
        p.awaitListening(START);
        final Http http = p.http();
        synchronized (this)
        {
            if (processes[id] == p)
            {
                https[id] = http;
            }
        }
        return http;
    }

    /** {@code kill -9} of member {@code id}; its HTTP client goes at once. */
    void kill9(final int id)
    {
        final StrandProcess p;
        synchronized (this)
        {
            p = processes[id];
            https[id] = null;
        }
        p.kill9();
    }

    /** SIGTERM to member {@code id}; returns its exit status. */
    int stop(final int id)
    {
        final StrandProcess p;
        synchronized (this)
        {
            p = processes[id];
            https[id] = null;
        }
        return p.stop();
    }

    synchronized StrandProcess process(final int id)
    {
        return processes[id];
    }

    synchronized boolean isUp(final int id)
    {
        return processes[id] != null && processes[id].isAlive();
    }

    /** The current HTTP client of member {@code id}, or null while it is down or not yet listening. */
    synchronized Http http(final int id)
    {
        return https[id] != null && processes[id].isAlive() ? https[id] : null;
    }

    /** The member's {@code GET /admin/cluster}, or null when it does not answer. */
    View view(final int id)
    {
        final Http http = http(id);
        if (http == null)
        {
            return null;
        }
        try
        {
            final Http.Response r = http.send(http.request("/admin/cluster").timeout(VIEW_TIMEOUT).GET().build());
            return r.statusCode() == 200 ? View.of(r.json()) : null;
        }
        catch (final UncheckedIOException ex)
        {
            return null;
        }
    }

    /** Every member's view; null for the ones that do not answer. */
    View[] views()
    {
        final View[] views = new View[size()];
        for (int i = 0; i < views.length; i++)
        {
            views[i] = view(i);
        }
        return views;
    }

    /**
     * The leader every answering member agrees on (at least a majority answering), which itself says it is the leader.
     *
     * @return its id, or -1 if there is none such now.
     */
    int agreedLeader()
    {
        final View[] views = views();
        int answering = 0;
        int leader = -1;
        for (final View v : views)
        {
            if (v == null)
            {
                continue;
            }
            answering++;
            if (v.leaderMemberId() < 0 || (leader >= 0 && v.leaderMemberId() != leader) || "candidate".equals(v.role()))
            {
                return -1;
            }
            leader = v.leaderMemberId();
        }
        if (answering <= size() / 2 || leader < 0 || views[leader] == null || !views[leader].isLeader())
        {
            return -1;
        }
        return leader;
    }

    int awaitLeader(final Duration timeout)
    {
        final int[] leader = {-1};
        try
        {
            Waits.await("an agreed leader").atMost(timeout).until(() -> (leader[0] = agreedLeader()) >= 0);
        }
        catch (final ConditionTimeoutException ex)
        {
            final String views = Arrays.toString(views());
            throw new AssertionError("no leader agreed on within " + timeout + ": " + views + "; " + threadDumps(), ex);
        }
        return leader[0];
    }

    /**
     * Waits until every member answers and all have the same journal position, twice in a row (nothing in flight).
     *
     * @return that position.
     */
    long awaitConverged(final Duration timeout)
    {
        final long[] last = {-1};
        final int[] stable = {0};
        try
        {
            Waits.await("every member at the same journal position").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() ->
                {
                    final View[] views = views();
                    long position = -1;
                    for (final View v : views)
                    {
                        if (v == null || (position >= 0 && v.journalPosition() != position) || agreedLeader() < 0)
                        {
                            stable[0] = 0;
                            return false;
                        }
                        position = v.journalPosition();
                    }
                    stable[0] = position == last[0] ? stable[0] + 1 : 0;
                    last[0] = position;
                    return stable[0] >= 2;
                });
        }
        catch (final ConditionTimeoutException ex)
        {
            final String views = Arrays.toString(views());
            throw new AssertionError("the members did not converge within " + timeout + ": " + views + "; " + threadDumps(), ex);
        }
        return last[0];
    }

    /**
     * Waits until member {@code id} (restarted) listens, follows the agreed leader, and its journal has reached what
     * the leader's journal held when it first followed: it has caught up, though the load goes on.
     */
    void awaitCaughtUp(final int id, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        if (http(id) == null)
        {
            awaitListening(id);
        }
        final long[] target = {-1};
        try
        {
            Waits.await("member " + id + " to catch up").atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                .failFast(() -> !isUp(id)).until(() ->
                {
                    final View v = view(id);
                    final int leader = agreedLeader();
                    if (v == null || leader < 0 || v.leaderMemberId() != leader || !(v.isFollower() || v.isLeader()))
                    {
                        return false;
                    }
                    if (target[0] < 0)
                    {
                        final View l = view(leader);
                        if (l == null)
                        {
                            return false;
                        }
                        target[0] = l.journalPosition();
                    }
                    return v.journalPosition() >= target[0];
                });
        }
        catch (final ConditionTimeoutException ex)
        {
            final String views = Arrays.toString(views());
            throw new AssertionError("member " + id + " did not catch up within " + timeout + " (to " + target[0] + "): " +
                views + "; " + threadDumps(), ex);
        }
        catch (final TerminalFailureException ex)
        {
            throw new AssertionError("member " + id + " exited while catching up:\n" + process(id).log(), ex);
        }
    }

    /** The member's {@code GET /admin/state-hash}. */
    JsonObject stateHash(final int id)
    {
        final Http.Response r = http(id).get("/admin/state-hash");
        if (r.statusCode() != 200)
        {
            throw new AssertionError("GET /admin/state-hash on member " + id + ": " + r);
        }
        return r.json();
    }

    /**
     * Writes a thread dump of every live member next to its logs ({@code nodeN-L-threads.txt}, jstack), for a test
     * that is about to fail because members do not agree: what their consensus modules were doing.
     *
     * @return where they are, to name in the failure.
     */
    String threadDumps()
    {
        final Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        final List<String> written = new ArrayList<>();
        for (int id = 0; id < size(); id++)
        {
            final StrandProcess p = process(id);
            if (p == null || !p.isAlive() || !java.nio.file.Files.isExecutable(jstack))
            {
                continue;
            }
            final Path out = work.resolve("node" + id + "-" + (launches[id] - 1) + "-threads.txt");
            try
            {
                final Process dump = new ProcessBuilder(jstack.toString(), Long.toString(p.pid()))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (dump.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                {
                    written.add(out.getFileName().toString());
                }
                else
                {
                    dump.destroyForcibly();
                }
            }
            catch (final IOException ex)
            {
                written.add(out.getFileName() + " (failed: " + ex.getMessage() + ")");
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "thread dumps in " + work + ": " + written;
    }

    /** Every log file of this cluster's launches, for the figures (elections, warnings). */
    List<Path> logs()
    {
        final List<Path> logs = new ArrayList<>();
        for (int id = 0; id < size(); id++)
        {
            for (int l = 0; l < launches[id]; l++)
            {
                logs.add(work.resolve("node" + id + "-" + l + ".log"));
            }
        }
        return logs;
    }

    @Override
    public void close()
    {
        for (final StrandProcess p : processes)
        {
            if (p != null)
            {
                p.close();
            }
        }
    }
}
