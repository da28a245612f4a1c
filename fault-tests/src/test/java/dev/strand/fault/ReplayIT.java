package dev.strand.fault;

import dev.strand.fault.counter.CounterV1Module;
import dev.strand.fault.counter.CounterV2Module;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strand replay} run as a user runs it, on the history a server wrote through release 1 of a module jar
 * ({@code --modules}): through release 1 it rebuilds the server's state hash; through release 2, whose {@code evolve}
 * changed, {@code --compare} names exactly the aggregates the change touches; {@code --to} stops before them; nothing
 * is written into the data directory.
 */
class ReplayIT
{
    @Test
    @Timeout(300)
    void shouldRebuildTheStateHashAndNameTheAggregatesAChangedEvolveChanges() throws Exception
    {
        final Path work = Work.fresh("replay");
        final Path data = work.resolve("data");
        final Path v1 = work.resolve("modules-v1");
        final Path v2 = work.resolve("modules-v2");
        ModuleJar.build(v1.resolve("counter-v1.jar"), CounterV1Module.class);
        ModuleJar.build(v2.resolve("counter-v2.jar"), CounterV2Module.class);

        final String stateHash;
        final long beforeBig;
        final long end;
        try (StrandProcess server = StrandProcess.builder(data).log(work.resolve("server.log")).flag("modules", v1)
            .flag("snapshot-every-events", 0).flag("snapshot-every-seconds", 0).start())
        {
            final Http http = server.http();
            for (int round = 0; round < 5; round++)
            {
                for (int c = 0; c < 10; c++)
                {
                    add(http, "c-" + c, 10 + c);
                }
            }
            beforeBig = http.get("/admin/journal/head").json().getLong("position");
            add(http, "c-3", 500);
            add(http, "c-7", 101);
            add(http, "c-5", 100);
            end = http.get("/admin/journal/head").json().getLong("position");
            stateHash = http.get("/admin/state-hash").json().getString("stateHash");
            assertThat(server.stop()).isZero();
        }
        final Map<String, Long> before = listing(data);

        final Cli same = cli("replay", "--data-dir", data.toString(), "--modules", v1.toString());
        assertThat(same.exit()).as(same.output()).isZero();
        assertThat(same.value("position")).isEqualTo(String.valueOf(end));
        assertThat(same.value("state hash")).as("the server's state hash, rebuilt").isEqualTo(stateHash);
        assertThat(same.value("aggregates")).isEqualTo("10");
        assertThat(Double.parseDouble(same.value("events/s"))).isPositive();

        final Cli changed = cli("replay", "--data-dir", data.toString(), "--modules", v2.toString(), "--compare",
            "--current-modules", v1.toString());
        assertThat(changed.exit()).as(changed.output()).isZero();
        assertThat(changed.value("compared")).isEqualTo("10 aggregates, 2 differ");
        assertThat(changed.output().lines().filter(l -> l.startsWith("differs ")).map(l -> l.split("\\s+")[1]))
            .containsExactly("c-3", "c-7");
        assertThat(changed.output()).contains("differs          c-3 (counter): current v6 {adds=6, total=565}; " +
            "given v6 {adds=6, total=165}");

        final Cli early = cli("replay", "--data-dir", data.toString(), "--modules", v2.toString(), "--compare",
            "--current-modules", v1.toString(), "--to", String.valueOf(beforeBig));
        assertThat(early.exit()).as(early.output()).isZero();
        assertThat(early.value("compared")).isEqualTo("10 aggregates, 0 differ");

        final Cli without = cli("replay", "--data-dir", data.toString());
        assertThat(without.exit()).as("the shipped modules know no counter: %s", without.output()).isEqualTo(1);
        assertThat(without.output().lines().filter(l -> l.startsWith("strand: "))).singleElement().asString()
            .contains("cannot be applied with the modules given");
        final Cli beyond = cli("replay", "--data-dir", data.toString(), "--modules", v1.toString(), "--to",
            String.valueOf(end + 1));
        assertThat(beyond.exit()).isEqualTo(1);
        assertThat(beyond.output()).contains("beyond the journal's end");

        assertThat(listing(data)).as("a replay writes nothing into the data directory").isEqualTo(before);
        Work.figures("replay", end + " events replayed through a module jar at " + same.value("events/s") +
            " events/s; --compare named the 2 aggregates a changed evolve changes");
        Work.delete(work);
    }

    private static void add(final Http http, final String counter, final long n)
    {
        final Http.Response r = http.command(Http.envelope("Add", counter, new JsonObject().put("n", n)));
        assertThat(r.statusCode()).as("%s", r).isEqualTo(200);
    }

    /**
     * Every file under a directory with its size, and the modification time of the snapshots (Chronicle may touch its
     * own metadata when a queue is opened for reading, as the verify and dump tools do).
     */
    private static Map<String, Long> listing(final Path dir) throws IOException
    {
        final Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)walk::iterator)
            {
                if (Files.isRegularFile(p))
                {
                    files.put(dir.relativize(p) + " " + Files.size(p), p.toString().endsWith(".snap") ?
                        Files.getLastModifiedTime(p).toMillis() : 0L);
                }
            }
        }
        return files;
    }

    /** What a command printed and its exit status. */
    record Cli(int exit, String output)
    {
        String value(final String key)
        {
            return output.lines().filter(l -> l.startsWith(key + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + key + "' line in:\n" + output)).substring(key.length()).trim();
        }
    }

    /** {@code java -jar strand.jar <args>}, as a user runs it. */
    private static Cli cli(final String... args) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>(List.of(StrandProcess.javaBin(), "-jar", StrandProcess.jar().toString()));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream())
        {
            in.transferTo(out);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("strand " + String.join(" ", args) + " did not finish: " + out);
        }
        return new Cli(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
}
