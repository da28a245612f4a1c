package dev.strand.engine.core;

import dev.strand.engine.api.ResultCodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HaltStateTest
{
    private static final long FLOOR = 1_000;

    /**
     * The race of the first engine: a replica halted the engine (fatal) while the logic thread was lifting a space
     * halt; two volatiles, read then written, wiped the fatal halt and the status went back to RUNNING. Here the
     * fatal halt lands exactly in that window (inside the free-space read) and must survive.
     */
    @Test
    void shouldKeepAFatalHaltThatLandsWhileASpaceHaltIsLifted()
    {
        final HaltState halt = new HaltState(FLOOR);
        halt.haltForSpace("free space below the floor");
        final var rejection = halt.check(() ->
        {
            halt.halt("read-model cannot apply the journal", null);
            return FLOOR * 2;
        });
        assertThat(rejection).as("the command is refused").isNotNull();
        assertThat(rejection.code()).isEqualTo(ResultCodes.HALTED);
        assertThat(halt.current().forSpace()).isFalse();
        assertThat(halt.current().reason()).contains("read-model");
        assertThat(halt.check(() -> FLOOR * 2)).as("and stays refused").isNotNull();
        assertThat(halt.refusalAtIngress()).isNotNull();
    }

    @Test
    void shouldLiftASpaceHaltOnlyWhenSpaceIsBack()
    {
        final HaltState halt = new HaltState(FLOOR);
        halt.haltForSpace("low");
        assertThat(halt.refusalAtIngress()).as("a space halt is left to the logic thread").isNull();
        assertThat(halt.check(() -> FLOOR - 1)).isNotNull();
        assertThat(halt.spaceHaltLiftable(() -> FLOOR)).isTrue();
        assertThat(halt.check(() -> FLOOR)).isNull();
        assertThat(halt.current()).isNull();
    }

    @Test
    void shouldReplaceASpaceHaltWithAFatalOneAndKeepTheFirstFatalReason()
    {
        final HaltState halt = new HaltState(FLOOR);
        halt.haltForSpace("low");
        halt.halt("journal write failed", null);
        halt.halt("later failure", null);
        halt.haltForSpace("low again");
        assertThat(halt.current().reason()).isEqualTo("journal write failed");
        assertThat(halt.check(() -> FLOOR * 10)).isNotNull();
    }
}
