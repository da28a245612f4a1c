package dev.strand.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.strand.gateway.TestServer.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fat jar as a user runs it: {@code java -jar strand.jar} in a child process. The Quickstart flow, then
 * {@code kill -9} while clients write, a restart, and every acknowledged event back in {@code GET /events} with
 * gapless positions; then SIGTERM exits 0.
 */
@Timeout(300)
class JarProcessIT
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static Path jar()
    {
        final String configured = System.getProperty("strand.jar");
        final Path jar = configured != null ? Path.of(configured) : Path.of("target", "strand.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "the fat jar is built by mvn package: " + jar.toAbsolutePath());
        return jar;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }

    private Process launch(final Path jar, final int port, final String logName) throws IOException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toAbsolutePath().toString(),
            "--port", String.valueOf(port), "--data-dir", dir.resolve("data").toString(), "--min-free-bytes", "0")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(logName).toFile())
            .start();
    }

    private static HttpResponse<String> get(final int port, final String path) throws IOException, InterruptedException
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(final int port, final JsonObject body) throws IOException, InterruptedException
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/commands"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(final int port, final Process process, final Path log)
    {
        waitUntil("the server to be ready (log: " + log + ")", 60, () ->
        {
            if (!process.isAlive())
            {
                throw new AssertionError("the server exited with " + process.exitValue() + ": " + read(log));
            }
            try
            {
                return get(port, "/health/ready").statusCode() == 200;
            }
            catch (final IOException | InterruptedException ex)
            {
                return false;
            }
        });
    }

    private static String read(final Path log)
    {
        try
        {
            return Files.readString(log);
        }
        catch (final IOException ex)
        {
            return "(no log)";
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedEventAcrossKillDashNineAndStopCleanlyOnSigterm() throws Exception
    {
        final Path jar = jar();
        final int port = freePort();
        Process server = launch(jar, port, "run1.log");
        try
        {
            awaitReady(port, server, dir.resolve("run1.log"));
            assertThat(read(dir.resolve("run1.log"))).contains("listening on http://127.0.0.1:" + port).contains("durability=async");
            // the once-per-start duplicate-gauge warning of vertx-micrometer-metrics (one HTTP server per event loop)
            assertThat(read(dir.resolve("run1.log"))).doesNotContain("already registered").doesNotContain("MeterRegistry");

            assertThat(post(port, TestServer.envelope("OpenAccount", "acc-1", new JsonObject().put("owner", "Ada"))).statusCode()).isEqualTo(200);
            assertThat(post(port, TestServer.envelope("OpenAccount", "acc-2", new JsonObject())).statusCode()).isEqualTo(200);
            assertThat(post(port, TestServer.envelope("Deposit", "acc-1", new JsonObject().put("amount", 600))).statusCode()).isEqualTo(200);
            assertThat(post(port, TestServer.envelope("Transfer", "acc-1", new JsonObject().put("to", "acc-2").put("amount", 100)))
                .statusCode()).isEqualTo(200);
            final HttpResponse<String> state = get(port, "/aggregates/acc-2?minPosition=4");
            assertThat(new JsonObject(state.body()).getJsonObject("state").getLong("balance")).isEqualTo(100);

            final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            final Writers writers = Writers.start(port, 4, acknowledged, "w");
            waitUntil("some acknowledged writes", 30, () -> acknowledged.size() >= 500);
            server.destroyForcibly();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            writers.stop();

            server = launch(jar, port, "run2.log");
            awaitReady(port, server, dir.resolve("run2.log"));

            assertEveryAcknowledgedEventJournaled(port, acknowledged);

            final Writers more = Writers.start(port, 4, acknowledged, "v");
            final int before = acknowledged.size();
            waitUntil("writes on the restarted server", 30, () -> acknowledged.size() >= before + 300);
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            more.stop();
            assertThat(server.exitValue()).as(read(dir.resolve("run2.log"))).isZero();
            assertThat(read(dir.resolve("run2.log"))).contains("strand stopped");

            server = launch(jar, port, "run3.log");
            awaitReady(port, server, dir.resolve("run3.log"));
            assertThat(read(dir.resolve("run3.log"))).as("a restart after SIGTERM replays nothing beyond the final snapshot")
                .contains("replayed 0 events");
            assertEveryAcknowledgedEventJournaled(port, acknowledged);
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    /** Pages through GET /events: positions gapless from 1, every acknowledged command at its acknowledged position. */
    private static void assertEveryAcknowledgedEventJournaled(final int port, final Map<String, Long> acknowledged)
        throws IOException, InterruptedException
    {
        final Map<String, Long> journaled = new HashMap<>();
        long from = 1;
        long expected = 1;
        while (true)
        {
            final JsonObject page = new JsonObject(get(port, "/events?fromPosition=" + from + "&limit=5000").body());
            final JsonArray events = page.getJsonArray("events");
            if (events.isEmpty())
            {
                break;
            }
            for (int i = 0; i < events.size(); i++)
            {
                final JsonObject e = events.getJsonObject(i);
                assertThat(e.getLong("position")).isEqualTo(expected++);
                journaled.put(e.getString("commandId"), e.getLong("position"));
            }
            from = page.getLong("nextPosition");
        }
        for (final Map.Entry<String, Long> ack : acknowledged.entrySet())
        {
            assertThat(journaled.get(ack.getKey())).as("acknowledged command %s", ack.getKey()).isEqualTo(ack.getValue());
        }
    }

    /** Client threads posting Deposits to their own accounts until stopped; acknowledged commandId to position. */
    private record Writers(List<Thread> threads, AtomicBoolean stopFlag)
    {
        static Writers start(final int port, final int count, final Map<String, Long> acknowledged, final String prefix)
            throws IOException, InterruptedException
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < count; w++)
            {
                final String account = prefix + "-" + w;
                assertThat(post(port, TestServer.envelope("OpenAccount", account, new JsonObject())).statusCode()).isEqualTo(200);
                final Thread t = new Thread(() ->
                {
                    while (!stop.get())
                    {
                        final JsonObject cmd = TestServer.envelope("Deposit", account, new JsonObject().put("amount", 1));
                        try
                        {
                            final HttpResponse<String> r = post(port, cmd);
                            if (r.statusCode() == 200)
                            {
                                acknowledged.put(cmd.getString("commandId"), new JsonObject(r.body()).getLong("position"));
                            }
                        }
                        catch (final IOException | InterruptedException ex)
                        {
                            return;
                        }
                    }
                }, "writer-" + account);
                threads.add(t);
                t.start();
            }
            return new Writers(threads, stop);
        }

        void stop() throws InterruptedException
        {
            stopFlag.set(true);
            for (final Thread t : threads)
            {
                t.join(15_000);
            }
        }
    }

    /** The exit status and the merged stdout and stderr of one run of the jar that is expected to end by itself. */
    private record Run(int exit, String output)
    {
        List<String> lines()
        {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }

        /** One line, no stack frame, the given status. */
        Run assertRefused(final int status, final String... lineContains)
        {
            assertThat(exit).as(output).isEqualTo(status);
            assertThat(lines()).as(output).hasSize(1);
            assertThat(output).doesNotContain("\tat ").doesNotContain("Exception");
            for (final String part : lineContains)
            {
                assertThat(lines().get(0)).contains(part);
            }
            return this;
        }
    }

    private static Run runJar(final List<String> jvmAndArgs) throws IOException, InterruptedException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmAndArgs);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        return new Run(p.exitValue(), output);
    }

    private static Run strand(final String... args) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>(List.of("-jar", jar().toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return runJar(cmd);
    }

    @Test
    void shouldAnswerHelpAndVersionForEveryCommand() throws Exception
    {
        final Run help = strand("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.output()).contains("serve").contains("verify").contains("dump").contains("hash-key")
            .contains("--roll-cycle").contains("STRAND_ROLL_CYCLE").contains("Exit status:");
        for (final String command : new String[] {"serve", "verify", "dump", "hash-key"})
        {
            final Run sub = strand(command, "--help");
            assertThat(sub.exit()).as(sub.output()).isZero();
            assertThat(sub.output()).contains("Usage: strand " + command);
        }
        final Run version = strand("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.output()).startsWith("strand 0.").contains("Java ");
        final Run hash = strand("hash-key", "abc");
        assertThat(hash.output().trim()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldRefuseASecondServerOnTheSameDataDirectoryNamingItAndThePid() throws Exception
    {
        final int port = freePort();
        final Process first = launch(jar(), port, "first.log");
        try
        {
            awaitReady(port, first, dir.resolve("first.log"));
            strand("--port", String.valueOf(freePort()), "--data-dir", dir.resolve("data").toString())
                .assertRefused(4, "data directory " + dir.resolve("data"), "is in use by another Strand server",
                    "pid " + first.pid());
        }
        finally
        {
            first.destroy();
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        final Run verify = strand("verify", dir.resolve("data").toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("status           OK");
    }

    @Test
    void shouldRefuseABusyPortBeforeTouchingTheJournal() throws Exception
    {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            final Path data = dir.resolve("never-created");
            strand("--port", String.valueOf(busy.getLocalPort()), "--data-dir", data.toString())
                .assertRefused(5, "port 127.0.0.1:" + busy.getLocalPort() + " is in use");
            assertThat(data).as("the port is checked before the data directory and the journal").doesNotExist();
        }
    }

    @Test
    void shouldRefuseADataDirectoryThatCannotBeWritten() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        strand("--port", "0", "--data-dir", file.resolve("data").toString())
            .assertRefused(6, "data directory " + file.resolve("data"), "is not writable");
    }

    @Test
    void shouldRefuseAModuleThatFailsToLoad() throws Exception
    {
        final Path broken = dir.resolve("broken-module.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(broken)))
        {
            out.putNextEntry(new java.util.jar.JarEntry("META-INF/services/dev.strand.engine.spi.AggregateModule"));
            out.write("com.example.MissingModule\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        final List<String> cmd = new ArrayList<>(List.of(System.getProperty("strand.chronicle.flags", "").split(" ")));
        cmd.removeIf(String::isBlank);
        cmd.addAll(List.of("-cp", jar().toAbsolutePath() + java.io.File.pathSeparator + broken, "dev.strand.gateway.Main",
            "--port", "0", "--data-dir", dir.resolve("data").toString()));
        runJar(cmd).assertRefused(7, "aggregate module failed to load", "com.example.MissingModule");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void shouldRefuseAModulesDirectoryItCannotUseWithExitCode2AndOneLine() throws Exception
    {
        final Path modules = Files.createDirectories(dir.resolve("modules"));
        strand("--modules", dir.resolve("no-such").toString(), "--port", "0", "--data-dir", dir.resolve("never").toString())
            .assertRefused(2, "--modules " + dir.resolve("no-such") + ": no such directory");
        Files.write(modules.resolve("broken.jar"), new byte[] {'P', 'K', 1, 2});
        strand("--modules", modules.toString(), "--port", "0", "--data-dir", dir.resolve("never").toString())
            .assertRefused(2, "--modules " + modules + ": broken.jar is not a readable jar");
        Files.delete(modules.resolve("broken.jar"));
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(modules.resolve("m.jar"))))
        {
            out.putNextEntry(new java.util.jar.JarEntry("META-INF/services/dev.strand.engine.spi.AggregateModule"));
            out.write("com.example.MissingModule\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        strand("--modules", modules.toString(), "--port", "0", "--data-dir", dir.resolve("never").toString())
            .assertRefused(2, "--modules " + modules + ": a module failed to load", "com.example.MissingModule");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void shouldRefuseABadConfigurationWithExitCode2() throws Exception
    {
        strand("--roll-cycle", "SOMETIMES", "--data-dir", dir.resolve("never").toString())
            .assertRefused(2, "--roll-cycle SOMETIMES: must be one of", "FAST_DAILY");
        strand("--data-dir", dir.resolve("never").toString(), "--no-such-flag")
            .assertRefused(2, "--no-such-flag");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void shouldRefuseANonLoopbackHostWithoutKeys() throws Exception
    {
        final Path jar = jar();
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(java, "-jar", jar.toAbsolutePath().toString(), "--host", "0.0.0.0",
            "--data-dir", dir.resolve("never").toString())
            .redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).contains("--insecure");
    }
}
