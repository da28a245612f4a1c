package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.ResultCodes;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CapacityGuardTest
{
    private static Command to(final String aggregateId)
    {
        return new Command("c", null, aggregateId, Command.ANY_VERSION, null, null, 0);
    }

    @Test
    void shouldRefuseOnlyNewAggregatesBelowTheFloorAndResumeWithHysteresis()
    {
        try (CapacityGuard guard = new CapacityGuard(100, Set.of("known")::contains))
        {
            guard.observe(150);
            assertThat(guard.refusal(to("new"))).isNull();
            guard.observe(99);
            assertThat(guard.exhausted()).isTrue();
            assertThat(guard.refusal(to("new")).code()).isEqualTo(ResultCodes.CAPACITY_EXHAUSTED);
            assertThat(guard.refusal(to("known"))).as("existing aggregates go on").isNull();
            guard.observe(110);
            assertThat(guard.exhausted()).as("not yet 25% above the floor").isTrue();
            guard.observe(125);
            assertThat(guard.refusal(to("new"))).isNull();
            assertThat(guard.refusals()).isEqualTo(1);
        }
    }
}
