package dev.strand.bench.load;

import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LoadOptionsTest
{
    @Test
    void shouldApplyDefaults()
    {
        final LoadOptions o = LoadOptions.parse();

        assertThat(o.mode).isEqualTo(LoadOptions.Mode.RUN);
        assertThat(o.url.toString()).isEqualTo(LoadOptions.DEFAULT_URL);
        assertThat(o.rate).isEqualTo(1_000);
        assertThat(o.batch).isEqualTo(1);
        assertThat(o.apiKey).isNull();
        assertThat(o.accountPrefix).startsWith("bench-");
    }

    @Test
    void shouldParseUnitsAndBothOptionForms()
    {
        final LoadOptions o = LoadOptions.parse("run", "--url", "http://localhost:9000/", "--rate=50k", "--duration", "2m",
            "--warmup", "500ms", "--slo-p99", "750us", "--batch", "10", "--api-key", "secret", "--mix", "deposit=9,transfer=1");

        assertThat(o.url.toString()).isEqualTo("http://localhost:9000");
        assertThat(o.rate).isEqualTo(50_000);
        assertThat(o.durationSeconds).isEqualTo(120);
        assertThat(o.warmupSeconds).isCloseTo(0.5, within(1e-9));
        assertThat(o.sloP99Millis).isCloseTo(0.75, within(1e-9));
        assertThat(o.requestRate()).isEqualTo(5_000);
        assertThat(o.apiKey).isEqualTo("secret");
        assertThat(o.mix.transfer()).isEqualTo(1);
    }

    @Test
    void shouldTakeAPlainSloNumberAsMilliseconds()
    {
        assertThat(LoadOptions.parse("--slo-p99", "5").sloP99Millis).isEqualTo(5);
    }

    @Test
    void shouldListSweepRatesAdditivelyOrByFactor()
    {
        assertThat(LoadOptions.parse("sweep", "--from", "1000", "--step", "1000", "--to", "4000").sweepRates())
            .containsExactly(1_000.0, 2_000.0, 3_000.0, 4_000.0);
        assertThat(LoadOptions.parse("sweep", "--from", "1000", "--factor", "2", "--to", "10000").sweepRates())
            .containsExactly(1_000.0, 2_000.0, 4_000.0, 8_000.0);
    }

    @Test
    void shouldMakeSweepStepsThatReuseTheAccounts()
    {
        final LoadOptions o = LoadOptions.parse("sweep", "--account-prefix", "x-");
        final LoadOptions step = o.atRate(7_000, 3, 1, Paths.get("out/step-01"));

        assertThat(step.mode).isEqualTo(LoadOptions.Mode.RUN);
        assertThat(step.rate).isEqualTo(7_000);
        assertThat(step.durationSeconds).isEqualTo(3);
        assertThat(step.skipSetup).isTrue();
        assertThat(step.accountPrefix).isEqualTo("x-");
        assertThat(step.initialWarmupSeconds).isEqualTo(20);
    }

    @Test
    void shouldRejectBadInput()
    {
        assertThatThrownBy(() -> LoadOptions.parse("--rate", "0")).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadOptions.parse("--nope")).hasMessageContaining("Unknown option: '--nope'");
        assertThatThrownBy(() -> LoadOptions.parse("--rate")).hasMessageContaining("Missing required parameter for option '--rate'");
        assertThatThrownBy(() -> LoadOptions.parse("walk")).hasMessageContaining("expected one of [RUN, SWEEP]");
        assertThatThrownBy(() -> LoadOptions.parse("--duration", "soon")).hasMessageContaining("duration");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ftp://x")).hasMessageContaining("url");
        assertThatThrownBy(() -> LoadOptions.parse("--accounts", "1", "--mix", "transfer=1")).hasMessageContaining("2 accounts");
        assertThatThrownBy(() -> LoadOptions.parse("--connections", "2.5")).hasMessageContaining("integer");
    }

    @Test
    void shouldDocumentEveryOptionInTheUsage()
    {
        final String usage = LoadOptions.usage();
        for (final String option : new String[] {"--url", "--rate", "--duration", "--warmup", "--connections", "--accounts",
            "--mix", "--batch", "--api-key", "--subscribers", "--timeout", "--out", "--slo-p99", "--step", "--factor"})
        {
            assertThat(usage).contains(option);
        }
    }

    @Test
    void shouldAnswerUsageErrorsWithOneLineAndStatusTwo()
    {
        final java.io.PrintStream err = System.err;
        final java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try
        {
            assertThat(LoadOptions.execute(System.out, "--rate", "0")).isEqualTo(2);
            assertThat(LoadOptions.execute(System.out, "--duration", "soon")).isEqualTo(2);
        }
        finally
        {
            System.setErr(err);
        }
        assertThat(captured.toString().lines()).hasSize(2).allMatch(l -> l.startsWith("strand-bench: "));
        assertThat(captured.toString()).contains("--rate must be > 0").doesNotContain("\tat ");
    }
}
