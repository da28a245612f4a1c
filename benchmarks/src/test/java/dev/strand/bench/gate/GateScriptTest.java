package dev.strand.bench.gate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate script's judging half, on stored JMH results (it needs bash and jq, as CI has). */
class GateScriptTest
{
    private static final Path GATE = Paths.get("gate");
    private static final Path FIXTURES = Paths.get("src/test/resources/gate");

    private record Outcome(int exit, String output)
    {
    }

    private static Outcome gate(final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("bash", GATE.toString()));
        command.addAll(List.of(args));
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final boolean done = p.waitFor(30, TimeUnit.SECONDS);
        assertThat(done).as("gate finished").isTrue();
        return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldPassAnAsyncP99WithinTheQuickBudget() throws Exception
    {
        final Outcome o = gate("--quick", "--result", FIXTURES.resolve("async-45us.json").toString());

        assertThat(o.exit()).as(o.output()).isZero();
        assertThat(o.output()).contains("45.00").contains("1000").contains("1.12x").contains("PASS");
    }

    @Test
    void shouldFailTheFullGateWhenSyncIsOverItsBudgetReadingNanosecondUnits() throws Exception
    {
        final Outcome o = gate("--full", "--result", FIXTURES.resolve("sync-3ms-in-ns.json").toString());

        assertThat(o.exit()).as(o.output()).isEqualTo(1);
        assertThat(o.output()).contains("3000.00").contains("OVER").contains("FAILED");
    }

    @Test
    void shouldFailWhenTheBudgetFileIsTighter(@TempDir final Path dir) throws Exception
    {
        final Path budget = dir.resolve("budget.properties");
        Files.writeString(budget, "# tight\nquick.async.p99.us = 40\n");

        final Outcome o = gate("--quick", "--budget", budget.toString(), "--result", FIXTURES.resolve("async-45us.json").toString());

        assertThat(o.exit()).as(o.output()).isEqualTo(1);
        assertThat(o.output()).contains("OVER");
    }

    @Test
    void shouldRefuseAResultWithoutTheGatedBenchmark() throws Exception
    {
        final Outcome o = gate("--quick", "--result", FIXTURES.resolve("baseline-only.json").toString());

        assertThat(o.exit()).as(o.output()).isEqualTo(2);
        assertThat(o.output()).contains("no AppendLatencyBenchmark.submitAndAwait result");
    }

    @Test
    void shouldKeepTheQuickBudgetLooserThanTheFullOne() throws Exception
    {
        final java.util.Properties budget = new java.util.Properties();
        try (var in = Files.newBufferedReader(Paths.get("gate-budget.properties")))
        {
            budget.load(in);
        }
        assertThat(Double.parseDouble(budget.getProperty("full.async.p99.us"))).isEqualTo(50);
        assertThat(Double.parseDouble(budget.getProperty("quick.async.p99.us")))
            .isGreaterThan(Double.parseDouble(budget.getProperty("full.async.p99.us")));
    }
}
