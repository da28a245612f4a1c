package dev.strand.fault;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under test: {@code strand.jar} started as a child JVM, the way a user runs it, with its output in a log
 * file. Knows its port (read from the start-up log line), its pid, and how to kill it (SIGKILL) or stop it (SIGTERM).
 * Every process started here is also killed by a shutdown hook, so a failing test never leaves a server behind.
 */
final class StrandProcess implements AutoCloseable
{
    static final String MAIN_CLASS = "dev.strand.gateway.Main";
    /** What Chronicle needs on JDK 17+ when the jar is not started with -jar (the manifest carries them for -jar). */
    static final List<String> CHRONICLE_FLAGS = List.of(
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true");

    private static final Pattern LISTENING = Pattern.compile("strand listening on http://[^:]+:(\\d+) ");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-strand-children"));
    }

    private final Process process;
    private final Path log;
    private final Path dataDir;
    private int port = -1;

    private StrandProcess(final Process process, final Path log, final Path dataDir)
    {
        this.process = process;
        this.log = log;
        this.dataDir = dataDir;
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }

    /** The jar under test: {@code -Dstrand.jar}, else {@code ../http-gateway/target/strand.jar}; fails clearly if absent. */
    static Path jar()
    {
        final String configured = System.getProperty("strand.jar");
        final Path jar = (configured != null ? Path.of(configured) : Path.of("..", "http-gateway", "target", "strand.jar"))
            .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException("the server jar " + jar + " is missing: build it first with " +
                "'mvn -q -B -o -DskipTests -Denforcer.skip package' (the reactor packages http-gateway before fault-tests)");
        }
        return jar;
    }

    static String javaBin()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Builder builder(final Path dataDir)
    {
        return new Builder(dataDir);
    }

    /** Options of one launch. */
    static final class Builder
    {
        private final Path dataDir;
        private final Map<String, String> flags = new LinkedHashMap<>();
        private final List<Path> extraClasspath = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private String heap = "-Xmx384m";
        private int openFiles;
        private Path log;

        private Builder(final Path dataDir)
        {
            this.dataDir = dataDir;
            flags.put("port", "0");
            flags.put("data-dir", dataDir.toString());
            flags.put("min-free-bytes", "0");
            flags.put("event-loops", "2");
            flags.put("query-threads", "2");
        }

        Builder flag(final String name, final Object value)
        {
            flags.put(name, String.valueOf(value));
            return this;
        }

        Builder withoutFlag(final String name)
        {
            flags.remove(name);
            return this;
        }

        /** Puts a jar next to strand.jar on the class path (then started with -cp and the main class). */
        Builder classpath(final Path jar)
        {
            extraClasspath.add(jar);
            return this;
        }

        Builder heap(final String xmx)
        {
            heap = xmx;
            return this;
        }

        Builder jvm(final String option)
        {
            jvmOptions.add(option);
            return this;
        }

        /** Starts the JVM under {@code bash -c 'ulimit -n N; exec java ...'}. */
        Builder openFiles(final int limit)
        {
            openFiles = limit;
            return this;
        }

        Builder log(final Path file)
        {
            log = file;
            return this;
        }

        List<String> command()
        {
            final List<String> cmd = new ArrayList<>();
            cmd.add(javaBin());
            cmd.add(heap);
            cmd.add("-XX:+UseParallelGC");
            cmd.addAll(jvmOptions);
            if (extraClasspath.isEmpty())
            {
                cmd.add("-jar");
                cmd.add(jar().toString());
            }
            else
            {
                cmd.addAll(CHRONICLE_FLAGS);
                final StringBuilder cp = new StringBuilder(jar().toString());
                extraClasspath.forEach(p -> cp.append(java.io.File.pathSeparatorChar).append(p.toAbsolutePath()));
                cmd.add("-cp");
                cmd.add(cp.toString());
                cmd.add(MAIN_CLASS);
            }
            flags.forEach((k, v) ->
            {
                cmd.add("--" + k);
                cmd.add(v);
            });
            return cmd;
        }

        /** Launches without waiting. */
        StrandProcess launch()
        {
            final Path logFile = log != null ? log : dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".log");
            try
            {
                Files.createDirectories(logFile.getParent());
                final List<String> cmd = new ArrayList<>();
                if (openFiles > 0)
                {
                    cmd.addAll(List.of("bash", "-c", "ulimit -n " + openFiles + " && exec \"$@\"", "strand"));
                }
                cmd.addAll(command());
                final Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
                ChildLogs.started(logFile);
                return new StrandProcess(p, logFile, dataDir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        /** Launches and waits until it listens and is ready. */
        StrandProcess start()
        {
            final StrandProcess p = launch();
            try
            {
                p.awaitReady(Duration.ofSeconds(90));
            }
            catch (final RuntimeException | Error ex)
            {
                p.process.destroyForcibly();
                throw ex;
            }
            return p;
        }
    }

    /** Waits for the start-up line, then for {@code /health/ready} = 200. */
    StrandProcess awaitReady(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try
        {
            awaitPort(timeout);
            final Http http = http();
            Waits.await("the server to be ready").atMost(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))
                .failFast(() -> !process.isAlive()).ignoreException(UncheckedIOException.class)
                .until(() -> http.get("/health/ready").statusCode() == 200);
            return this;
        }
        catch (final ConditionTimeoutException ex)
        {
            throw new AssertionError("the server did not " + (port < 0 ? "start" : "become ready") + " in " + timeout + ":\n" +
                log(), ex);
        }
        catch (final TerminalFailureException ex)
        {
            throw new AssertionError("the server exited with " + process.exitValue() + (port < 0 ? " before listening" : "") +
                ":\n" + log(), ex);
        }
    }

    /** Waits for the start-up line only (a cluster member is not ready until its cluster has a leader). */
    StrandProcess awaitListening(final Duration timeout)
    {
        try
        {
            awaitPort(timeout);
            return this;
        }
        catch (final ConditionTimeoutException ex)
        {
            throw new AssertionError("the server did not start in " + timeout + ":\n" + log(), ex);
        }
        catch (final TerminalFailureException ex)
        {
            throw new AssertionError("the server exited with " + process.exitValue() + " before listening:\n" + log(), ex);
        }
    }

    private void awaitPort(final Duration timeout)
    {
        Waits.await("the server to listen").atMost(timeout).failFast(() -> !process.isAlive()).until(() ->
        {
            final Matcher m = LISTENING.matcher(log());
            if (m.find())
            {
                port = Integer.parseInt(m.group(1));
            }
            return port >= 0;
        });
    }

    /** Whether the start-up line has been logged (the port is known). */
    boolean isListening()
    {
        if (port < 0)
        {
            final Matcher m = LISTENING.matcher(log());
            if (m.find())
            {
                port = Integer.parseInt(m.group(1));
            }
        }
        return port >= 0;
    }

    /** Waits for the process to exit on its own; returns its exit status. */
    int awaitExit(final Duration timeout)
    {
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError("the server did not exit within " + timeout + ":\n" + log());
            }
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** {@code kill -9}: no shutdown hook, no final snapshot, nothing flushed but what the page cache has. */
    void kill9()
    {
        process.destroyForcibly();
        try
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                throw new AssertionError("SIGKILL did not end pid " + process.pid());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** SIGTERM: graceful stop; returns the exit status. */
    int stop()
    {
        process.destroy();
        return awaitExit(Duration.ofSeconds(60));
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    long pid()
    {
        return process.pid();
    }

    int port()
    {
        if (port < 0)
        {
            throw new IllegalStateException("not listening yet");
        }
        return port;
    }

    Path dataDir()
    {
        return dataDir;
    }

    Path logFile()
    {
        return log;
    }

    Http http()
    {
        return new Http(port());
    }

    String log()
    {
        return readText(log);
    }

    /** A log file as text; bytes that are not UTF-8 (a hostile input echoed) are read as Latin-1. */
    static String readText(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            try
            {
                return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            }
            catch (final IOException again)
            {
                throw new UncheckedIOException(again);
            }
        }
    }

    /** Resident set size in KiB, from /proc. */
    long rssKib()
    {
        return ProcFs.rssKib(process.pid());
    }

    /** CPU time the process has used so far (user and system). */
    Duration cpu()
    {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for pid " + process.pid()));
    }

    /** Open file descriptors, from /proc. */
    int openFds()
    {
        return ProcFs.openFds(process.pid());
    }
}
