package dev.strand.engine.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyWindowTest
{
    @Test
    void shouldEvictTheOldestFirstAndKeepTheFirstPositionOfARepeatedHash()
    {
        final IdempotencyWindow window = new IdempotencyWindow(3);
        window.remember(IdempotencyWindow.hash("a"), 1);
        window.remember(IdempotencyWindow.hash("a"), 2);
        window.remember(IdempotencyWindow.hash("b"), 3);
        window.remember(IdempotencyWindow.hash("c"), 4);
        assertThat(window.size()).isEqualTo(3);
        assertThat(window.firstPosition(IdempotencyWindow.hash("a"))).isEqualTo(1);

        window.remember(IdempotencyWindow.hash("d"), 5);
        assertThat(window.firstPosition(IdempotencyWindow.hash("a"))).isEqualTo(IdempotencyWindow.MISSING);
        assertThat(window.firstPosition(IdempotencyWindow.hash("b"))).isEqualTo(3);
        assertThat(window.firstPosition(IdempotencyWindow.hash("d"))).isEqualTo(5);
        assertThat(window.size()).isEqualTo(3);
    }

    @Test
    void shouldRememberNothingWithCapacityZero()
    {
        final IdempotencyWindow window = new IdempotencyWindow(0);
        window.remember(IdempotencyWindow.hash("a"), 1);
        assertThat(window.size()).isZero();
        assertThat(window.firstPosition(IdempotencyWindow.hash("a"))).isEqualTo(IdempotencyWindow.MISSING);
    }

    @Test
    void shouldHashIdsStablyAndApart()
    {
        assertThat(IdempotencyWindow.hash("9b2f6c1e-1")).isEqualTo(IdempotencyWindow.hash("9b2f6c1e-1"));
        assertThat(IdempotencyWindow.hash("9b2f6c1e-1")).isNotEqualTo(IdempotencyWindow.hash("9b2f6c1e-2"));
        assertThat(IdempotencyWindow.hash("ab")).isNotEqualTo(IdempotencyWindow.hash("ba"));
    }
}
