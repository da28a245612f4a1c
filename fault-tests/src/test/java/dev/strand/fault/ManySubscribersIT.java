package dev.strand.fault;

import dev.strand.fault.swarm.WsSwarm;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 5,000 concurrent live WebSocket subscribers on loopback, from a separate process ({@link WsSwarm}, its own JVM
 * with {@code ulimit -n} raised, as is the server's). Every one of them receives every event written while they are
 * connected, in order, without a gap or a duplicate; the server's memory and file descriptors are reported.
 */
class ManySubscribersIT
{
    @Test
    @Timeout(240)
    void shouldServeFiveThousandLiveSubscribersInOrder(final TestInfo info) throws Exception
    {
        run(info, 5_000, 100);
    }

    @Test
    @Tag("slow")
    @Timeout(900)
    void shouldServeFiveThousandSubscribersThroughAMillionFrames(final TestInfo info) throws Exception
    {
        run(info, 5_000, 2_000);
    }

    private static void run(final TestInfo info, final int subscribers, final int events) throws Exception
    {
        final Path work = Work.fresh("subscribers-" + info.getTestMethod().orElseThrow().getName());
        try (StrandProcess server = StrandProcess.builder(work.resolve("data")).log(work.resolve("server.log"))
            .openFiles(20_000).heap("-Xmx512m").start())
        {
            final Http http = server.http();
            assertThat(http.command(Http.open("fan-out")).statusCode()).isEqualTo(200);
            final long idleRss = server.rssKib();
            final int idleFds = server.openFds();

            final Process swarm = swarm(server.port(), subscribers, events, work);
            try
            {
                final BlockingQueue<String> lines = lines(swarm);
                final String connectedLine = await(lines, "CONNECTED", Duration.ofSeconds(120));
                assertThat(connectedLine).isEqualTo("CONNECTED " + subscribers + " failed 0");
                Waits.await("the server to count the subscribers").atMost(Duration.ofSeconds(30))
                    .until(() -> Metrics.parse(http.get("/metrics").body()).value("strand_websocket_subscribers") >= subscribers);
                final long connectedRss = server.rssKib();
                final int connectedFds = server.openFds();
                final long threads = ProcFs.threads(server.pid());

                final long start = System.nanoTime();
                for (int sent = 0; sent < events; sent += 100)
                {
                    final JsonArray batch = new JsonArray();
                    for (int i = 0; i < Math.min(100, events - sent); i++)
                    {
                        batch.add(Http.deposit("fan-out", 1));
                    }
                    assertThat(http.batch(false, batch).statusCode()).isEqualTo(200);
                }
                long maxRss = server.rssKib();
                String done;
                while (true)
                {
                    done = lines.poll(200, TimeUnit.MILLISECONDS);
                    maxRss = Math.max(maxRss, server.rssKib());
                    if (done != null && done.startsWith("DONE"))
                    {
                        break;
                    }
                    if (done != null && done.startsWith("GAP"))
                    {
                        throw new AssertionError("a subscriber saw a gap: " + done);
                    }
                    if (!swarm.isAlive() && lines.isEmpty())
                    {
                        throw new AssertionError("the swarm exited early");
                    }
                }
                final long deliveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(done).isEqualTo("DONE complete " + subscribers + " broken 0 closed 0");
                assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
                assertThat(server.log()).doesNotContain("has been blocked for");
                Work.figures("subscribers " + subscribers, String.format("%d live WebSocket subscribers from a separate " +
                        "process each received all %d events in order (%d frames in %d ms); server RSS %d MiB idle, %d MiB " +
                        "with them connected, %d MiB max while delivering; fds %d idle, %d connected; %d threads",
                    subscribers, events, (long)subscribers * events, deliveryMillis, idleRss / 1024, connectedRss / 1024,
                    maxRss / 1024, idleFds, connectedFds, threads));
            }
            finally
            {
                swarm.destroyForcibly();
                swarm.waitFor(30, TimeUnit.SECONDS);
            }
            Waits.await("the server to drop the closed subscribers").atMost(Duration.ofSeconds(30))
                .until(() -> Metrics.parse(http.get("/metrics").body()).value("strand_websocket_subscribers") == 0);
        }
        Work.delete(work);
    }

    private static Process swarm(final int port, final int subscribers, final int events, final Path work)
        throws IOException, URISyntaxException
    {
        final Path classes = Path.of(WsSwarm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final List<String> cmd = List.of("bash", "-c", "ulimit -n 20000 && exec \"$@\"", "swarm",
            StrandProcess.javaBin(), "-Xmx512m", "-XX:+UseParallelGC",
            "-cp", StrandProcess.jar() + java.io.File.pathSeparator + classes, WsSwarm.class.getName(),
            String.valueOf(port), String.valueOf(subscribers), String.valueOf(events), "150");
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static BlockingQueue<String> lines(final Process process)
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread t = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    if (!line.startsWith("PROGRESS"))
                    {
                        lines.add(line);
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }, "swarm-output");
        t.setDaemon(true);
        t.start();
        return lines;
    }

    private static String await(final BlockingQueue<String> lines, final String prefix, final Duration timeout)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null)
            {
                if (line.startsWith(prefix))
                {
                    return line;
                }
                seen.append(line).append('\n');
            }
        }
        throw new AssertionError("no " + prefix + " line from the swarm in " + timeout + "; it said:\n" + seen);
    }
}
