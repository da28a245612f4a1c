package dev.strand.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemMetersTest
{
    @Test
    void shouldRegisterTheCodesAlertsReadAtZeroAndTheClusterCodesOnlyOnAMember()
    {
        final SimpleMeterRegistry alone = new SimpleMeterRegistry();
        ProblemMeters.register(alone, false);
        assertThat(count(alone, "503", "HALTED")).isZero();
        assertThat(count(alone, "401", "UNAUTHENTICATED")).isZero();
        assertThat(alone.find(ProblemMeters.NAME).tag("code", "NO_LEADER").counter()).isNull();

        final SimpleMeterRegistry member = new SimpleMeterRegistry();
        ProblemMeters.register(member, true);
        assertThat(count(member, "503", "NO_LEADER")).isZero();
        assertThat(count(member, "503", "NO_QUORUM")).isZero();
        assertThat(count(member, "503", "OUTCOME_UNKNOWN")).isZero();
    }

    @Test
    void shouldCountByStatusAndCodeAndFoldCodesBeyondTheLimitIntoOther()
    {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final ProblemMeters meters = ProblemMeters.register(registry, false);
        meters.increment(503, "HALTED");
        meters.increment(503, "HALTED");
        meters.increment(422, "INSUFFICIENT_FUNDS");
        assertThat(count(registry, "503", "HALTED")).isEqualTo(2);
        assertThat(count(registry, "422", "INSUFFICIENT_FUNDS")).isEqualTo(1);

        for (int i = 0; i < ProblemMeters.MAX_SERIES + 50; i++)
        {
            meters.increment(422, "GENERATED_" + i);
        }
        assertThat(registry.find(ProblemMeters.NAME).counters()).hasSize(ProblemMeters.MAX_SERIES + 1);
        assertThat(count(registry, "422", "OTHER")).isPositive();
        meters.increment(503, "HALTED");
        assertThat(count(registry, "503", "HALTED")).as("known codes still count as themselves").isEqualTo(3);
    }

    @Test
    void shouldCountNothingOffAVertxContext()
    {
        ProblemMeters.count(503, "HALTED");
    }

    private static double count(final SimpleMeterRegistry registry, final String status, final String code)
    {
        final Counter c = registry.find(ProblemMeters.NAME).tag("status", status).tag("code", code).counter();
        assertThat(c).as(status + " " + code).isNotNull();
        return c.count();
    }
}
