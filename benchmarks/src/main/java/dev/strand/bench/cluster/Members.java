package dev.strand.bench.cluster;

import dev.strand.cluster.ClusterMembers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The three members of one round: in this JVM, or each in a child JVM of its own ({@link MemberMain}).
 */
interface Members extends AutoCloseable
{
    ClusterMembers spec();

    /** CPU time each member's JVM has used so far, ns; -1 each when the members share this JVM. */
    long[] cpuNanos();

    @Override
    void close();

    /** Every member in this JVM. */
    static Members inProcess(final MemberSetup.Kind kind, final ClusterMembers spec, final Path root,
        final int idempotencyWindow)
    {
        final List<AutoCloseable> started = new ArrayList<>();
        try
        {
            for (int id = 0; id < spec.size(); id++)
            {
                started.add(MemberSetup.start(kind, spec, id, root.resolve("member" + id), idempotencyWindow));
            }
        }
        catch (final RuntimeException ex)
        {
            closeAll(started);
            throw ex;
        }
        return new Members()
        {
            @Override
            public ClusterMembers spec()
            {
                return spec;
            }

            @Override
            public long[] cpuNanos()
            {
                final long[] none = new long[spec.size()];
                java.util.Arrays.fill(none, -1);
                return none;
            }

            @Override
            public void close()
            {
                closeAll(started);
            }
        };
    }

    private static void closeAll(final List<AutoCloseable> started)
    {
        for (int i = started.size() - 1; i >= 0; i--)
        {
            try
            {
                started.get(i).close();
            }
            catch (final Exception ex)
            {
                System.err.println("closing member " + i + ": " + ex);
            }
        }
    }

    /**
     * Every member in a child JVM of its own, with this JVM's module flags and system properties, the heap given and
     * this JVM's class path; the output of each goes to {@code member<id>.log} under {@code root}. Stopped by closing
     * their stdin (each closes its member and exits), then by PID if one does not exit in time.
     */
    static Members children(final MemberSetup.Kind kind, final ClusterMembers spec, final Path root, final String heap,
        final int idempotencyWindow)
        throws IOException, InterruptedException
    {
        final List<Process> processes = new ArrayList<>();
        final Thread reaper = new Thread(() -> processes.forEach(Process::destroyForcibly), "member-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        boolean ready = false;
        try
        {
            final List<CompletableFuture<Void>> readies = new ArrayList<>();
            for (int id = 0; id < spec.size(); id++)
            {
                final Path log = root.resolve("member" + id + ".log");
                Files.createDirectories(root);
                final List<String> command = new ArrayList<>();
                command.add(ProcessHandle.current().info().command().orElse("java"));
                for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
                {
                    if (arg.startsWith("--add-") || arg.startsWith("-D"))
                    {
                        command.add(arg);
                    }
                }
                command.add("-Xms" + heap);
                command.add("-Xmx" + heap);
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(MemberMain.class.getName());
                command.add(kind.label());
                command.add(spec.toString());
                command.add(Integer.toString(id));
                command.add(root.resolve("member" + id).toString());
                command.add(Integer.toString(idempotencyWindow));
                final Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
                processes.add(p);
                readies.add(watch(p, log));
            }
            for (int id = 0; id < readies.size(); id++)
            {
                try
                {
                    readies.get(id).get(60, TimeUnit.SECONDS);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException("member " + id + " did not start (see " +
                        root.resolve("member" + id + ".log") + "): " + ex);
                }
            }
            ready = true;
        }
        finally
        {
            if (!ready)
            {
                stop(processes);
                Runtime.getRuntime().removeShutdownHook(reaper);
            }
        }
        return new Members()
        {
            @Override
            public ClusterMembers spec()
            {
                return spec;
            }

            @Override
            public long[] cpuNanos()
            {
                final long[] cpu = new long[processes.size()];
                for (int i = 0; i < cpu.length; i++)
                {
                    cpu[i] = processes.get(i).info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
                }
                return cpu;
            }

            @Override
            public void close()
            {
                stop(processes);
                Runtime.getRuntime().removeShutdownHook(reaper);
            }
        };
    }

    /** Copies a child's stdout to its log; completes once it printed {@link MemberMain#READY}. */
    private static CompletableFuture<Void> watch(final Process p, final Path log)
    {
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final Thread t = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    if (line.equals(MemberMain.READY))
                    {
                        ready.complete(null);
                    }
                    Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                }
            }
            catch (final IOException ex)
            {
                // the child is gone
            }
            ready.completeExceptionally(new IllegalStateException("its output ended before " + MemberMain.READY));
        }, "member-output-" + p.pid());
        t.setDaemon(true);
        t.start();
        return ready;
    }

    /** End of input asks each child to close its member; one still alive after 20 s is killed by its PID. */
    private static void stop(final List<Process> processes)
    {
        for (final Process p : processes)
        {
            try
            {
                p.getOutputStream().close();
            }
            catch (final IOException ex)
            {
                // already gone
            }
        }
        for (final Process p : processes)
        {
            try
            {
                if (!p.waitFor(20, TimeUnit.SECONDS))
                {
                    System.err.println("member JVM " + p.pid() + " did not stop in 20 s: killing it");
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
