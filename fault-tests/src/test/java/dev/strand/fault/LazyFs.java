package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The power-loss file system: {@code src/test/resources/lazyfs.py} (a FUSE file system in Python on Debian's
 * {@code python3-fusepy}) mounted over a backing directory. Written data lives in the file system process until the
 * file is fsynced, a directory entry is durable once its directory is fsynced; {@link #powerLoss} kills the file
 * system and the server together, so the backing directory holds exactly what was made durable. {@link #mount}
 * (again) first deletes the entries whose creation never became durable, then mounts a fresh process. The model
 * and its limits are described in lazyfs.py and docs/reliability.md.
 *
 * <p>Needs root (mounting), {@code /dev/fuse} and {@code python3-fusepy} for {@code /usr/bin/python3}:
 * {@link #unavailable()} says what is missing.
 */
final class LazyFs implements AutoCloseable
{
    static final String PYTHON = "/usr/bin/python3";
    private static final Set<LazyFs> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(LazyFs::killAndDetach), "kill-lazyfs"));
    }

    /**
     * What the model does with directory entries: strict (a new entry is durable once its directory is fsynced) or
     * immediate (durable at once; only file data is lost).
     */
    enum DirEntries
    {
        STRICT, IMMEDIATE
    }

    DirEntries dirEntries()
    {
        return dirEntries;
    }

    private final Path work;
    private final String name;
    private final Path script;
    private final Path backing;
    private final Path mountPoint;
    private final Path control;
    private final Path sideLog;
    private DirEntries dirEntries;
    private Process process;
    private int mounts;
    private int commands;
    private final List<String> recoveries = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();

    LazyFs(final Path work, final String name, final DirEntries dirEntries)
    {
        this.work = work;
        this.name = name;
        this.dirEntries = dirEntries;
        this.script = work.resolve("lazyfs.py");
        this.backing = work.resolve(name + "-backing");
        this.mountPoint = work.resolve(name + "-mnt");
        this.control = work.resolve(name + "-control");
        this.sideLog = work.resolve(name + "-dir-entries.log");
        try
        {
            Files.createDirectories(backing);
            Files.createDirectories(mountPoint);
            Files.createDirectories(control);
            try (InputStream in = LazyFs.class.getResourceAsStream("/lazyfs.py"))
            {
                if (in == null)
                {
                    throw new IllegalStateException("lazyfs.py is not on the test class path");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Null when a FUSE file system can be mounted here, else why not (for an assumption's message). */
    static String unavailable()
    {
        final String uid = run(Duration.ofSeconds(10), "id", "-u").trim();
        if (!"0".equals(uid))
        {
            return "mounting a FUSE file system needs root (uid " + uid + ")";
        }
        if (!Files.exists(Path.of("/dev/fuse")))
        {
            return "/dev/fuse is missing (no FUSE in this kernel or container)";
        }
        if (!Files.isExecutable(Path.of(PYTHON)))
        {
            return PYTHON + " is missing";
        }
        final String fusepy = run(Duration.ofSeconds(20), PYTHON, "-c",
            "try:\n import fusepy\nexcept ImportError:\n import fuse\nprint('ok')").trim();
        if (!fusepy.endsWith("ok"))
        {
            return "python3-fusepy is not installed for " + PYTHON + " (apt-get install fuse3 python3-fusepy): " + fusepy;
        }
        return null;
    }

    Path backing()
    {
        return backing;
    }

    /** Where the server's data directory goes. */
    Path root()
    {
        return mountPoint;
    }

    /** What each mount's recovery deleted (entries whose creation was never durable), one line per mount. */
    List<String> recoveries()
    {
        return recoveries;
    }

    /** Every entry the recoveries deleted (paths inside the file system), over all mounts. */
    List<String> deletedAtRecovery()
    {
        return deleted;
    }

    /** Recovers what the last power loss left (unsynced creations) and mounts a fresh file system process. */
    LazyFs mount()
    {
        return mount(dirEntries);
    }

    /**
     * Same, with this mount's model of directory entries (the recovery always replays what strict mounts logged;
     * entries created under an immediate mount are durable at once).
     */
    LazyFs mount(final DirEntries model)
    {
        dirEntries = model;
        if (process != null && process.isAlive())
        {
            throw new IllegalStateException("already mounted");
        }
        final Path log = work.resolve(name + "-fs-" + (mounts++) + ".log");
        final List<String> cmd = List.of(PYTHON, script.toString(), "mount", "--backing", backing.toString(),
            "--mount", mountPoint.toString(), "--log", sideLog.toString(), "--control", control.toString(),
            "--dir-entries", dirEntries.name().toLowerCase(java.util.Locale.ROOT));
        try
        {
            Files.deleteIfExists(control.resolve("mounted"));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        LIVE.add(this);
        try
        {
            Waits.await("lazyfs to mount " + mountPoint).atMost(Duration.ofSeconds(30)).failFast(() -> !process.isAlive())
                .until(() -> Files.exists(control.resolve("mounted")) && mounted());
        }
        catch (final ConditionTimeoutException | TerminalFailureException ex)
        {
            throw new AssertionError((process.isAlive() ? "lazyfs did not mount in 30 s" : "lazyfs exited with " +
                process.exitValue()) + ":\n" + StrandProcess.readText(log), ex);
        }
        StrandProcess.readText(log).lines().filter(l -> l.contains("recovery:")).reduce((a, b) -> b).ifPresent(line ->
        {
            recoveries.add(line);
            final int colon = line.indexOf("deleted: ");
            if (colon > 0)
            {
                deleted.addAll(List.of(line.substring(colon + "deleted: ".length()).split(", ")));
            }
        });
        return this;
    }

    boolean mounted()
    {
        try
        {
            final String target = " " + mountPoint.toAbsolutePath() + " ";
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream().anyMatch(l -> l.contains(target));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    long pid()
    {
        return process.pid();
    }

    /** Sends a control command and waits for its answer (a JSON object of the file system's counters). */
    JsonObject command(final String command)
    {
        final String id = "c" + (++commands);
        final Path done = control.resolve(id + ".done");
        try
        {
            final Path tmp = control.resolve(id + ".tmp");
            Files.writeString(tmp, command + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, control.resolve(id + ".cmd"), StandardCopyOption.ATOMIC_MOVE);
            Waits.await("lazyfs to answer '" + command + "'").atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(done) || !process.isAlive());
            if (!Files.exists(done))
            {
                throw new AssertionError("lazyfs died before answering '" + command + "'");
            }
            final JsonObject answer = new JsonObject(Files.readString(done, StandardCharsets.UTF_8).trim());
            if (answer.containsKey("error"))
            {
                throw new AssertionError("lazyfs refused '" + command + "': " + answer);
            }
            return answer;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** From now on fsync returns success and persists nothing; returns once the file system confirmed it. */
    JsonObject lie()
    {
        final JsonObject answer = command("lie");
        if (!answer.getBoolean("lying"))
        {
            throw new AssertionError("lazyfs did not start lying: " + answer);
        }
        return answer;
    }

    /** Makes everything durable (sync(1)): a baseline that a test sets up before its power losses. */
    JsonObject sync()
    {
        return command("sync");
    }

    JsonObject stats()
    {
        return command("stats");
    }

    /**
     * The power goes: the server is stopped (SIGSTOP, so it can neither answer nor write another byte), the file
     * system process is killed (SIGKILL: whatever it had not persisted is gone), then the server is killed; all three
     * signals from one shell, microseconds apart. The dead mount is detached lazily; {@link #mount} brings it back.
     */
    void powerLoss(final StrandProcess server)
    {
        run(Duration.ofSeconds(20), "bash", "-c", "kill -STOP $1; kill -KILL $2; kill -KILL $1", "power-loss",
            String.valueOf(server.pid()), String.valueOf(process.pid()));
        server.kill9();
        awaitExit();
        detach();
    }

    /** Just the file system dies (SIGKILL), e.g. when a server start failed. */
    void kill()
    {
        process.destroyForcibly();
        awaitExit();
        detach();
    }

    /** A clean unmount (the file system persists everything, as a real unmount does). */
    void unmount()
    {
        if (process == null || !process.isAlive())
        {
            detach();
            return;
        }
        final String out = run(Duration.ofSeconds(60), "umount", mountPoint.toString());
        try
        {
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                throw new AssertionError("lazyfs did not exit after umount: " + out);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        detach();
        LIVE.remove(this);
    }

    private void awaitExit()
    {
        try
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                throw new AssertionError("SIGKILL did not end lazyfs pid " + process.pid());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private void detach()
    {
        if (mounted())
        {
            run(Duration.ofSeconds(30), "umount", "-l", mountPoint.toString());
        }
        if (mounted())
        {
            throw new AssertionError("cannot detach " + mountPoint);
        }
    }

    private void killAndDetach()
    {
        if (process != null)
        {
            process.destroyForcibly();
        }
        try
        {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
        catch (final IOException ex)
        {
            // best effort at JVM exit
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
    {
        try
        {
            if (process != null && process.isAlive())
            {
                unmount();
            }
            else
            {
                detach();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            killAndDetach();
            throw ex;
        }
        finally
        {
            LIVE.remove(this);
        }
    }

    /** Runs a short command; returns its output (stdout and stderr). */
    static String run(final Duration timeout, final String... cmd)
    {
        try
        {
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final byte[] out;
            try (InputStream in = p.getInputStream())
            {
                out = in.readAllBytes();
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeout);
            }
            return new String(out, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "cannot run " + cmd[0] + ": " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
