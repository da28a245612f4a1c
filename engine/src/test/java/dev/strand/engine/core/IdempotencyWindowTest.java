package dev.strand.engine.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyWindowTest
{
    @Test
    void shouldEvictTheOldestFirstAndKeepTheFirstPositionOfARepeatedHash()
    {
        final IdempotencyWindow window = new IdempotencyWindow(3);
        window.remember(IdempotencyWindow.hash("a"), 1, 101);
        window.remember(IdempotencyWindow.hash("a"), 2, 102);
        window.remember(IdempotencyWindow.hash("b"), 3, 103);
        window.remember(IdempotencyWindow.hash("c"), 4, 104);
        assertThat(window.size()).isEqualTo(3);
        assertThat(window.firstPosition(IdempotencyWindow.hash("a"))).isEqualTo(1);
        assertThat(window.fingerprint(IdempotencyWindow.hash("a"))).as("the first command's fingerprint").isEqualTo(101);

        window.remember(IdempotencyWindow.hash("d"), 5, 105);
        assertThat(window.firstPosition(IdempotencyWindow.hash("a"))).isEqualTo(IdempotencyWindow.MISSING);
        assertThat(window.firstPosition(IdempotencyWindow.hash("b"))).isEqualTo(3);
        assertThat(window.firstPosition(IdempotencyWindow.hash("d"))).isEqualTo(5);
        assertThat(window.fingerprint(IdempotencyWindow.hash("d"))).isEqualTo(105);
        assertThat(window.fingerprint(IdempotencyWindow.hash("a"))).isZero();
        assertThat(window.size()).isEqualTo(3);
    }

    @Test
    void shouldCopyEntriesInEvictionOrderAndHashFingerprintsOnlyWhenKnown()
    {
        final IdempotencyWindow window = new IdempotencyWindow(2);
        window.remember(IdempotencyWindow.hash("a"), 1, 0);
        window.remember(IdempotencyWindow.hash("b"), 2, 77);
        final IdempotencyWindow copy = new IdempotencyWindow(2);
        window.copyTo(copy);
        assertThat(copy.fold(17, (acc, v) -> acc * 31 + v)).isEqualTo(window.fold(17, (acc, v) -> acc * 31 + v));
        copy.remember(IdempotencyWindow.hash("c"), 3, 5);
        assertThat(copy.firstPosition(IdempotencyWindow.hash("a"))).isEqualTo(IdempotencyWindow.MISSING);
        assertThat(copy.fingerprint(IdempotencyWindow.hash("b"))).isEqualTo(77);

        final IdempotencyWindow unknown = new IdempotencyWindow(1);
        unknown.remember(IdempotencyWindow.hash("a"), 1, 0);
        final long legacy = 17 * 31 * 31 + IdempotencyWindow.hash("a") * 31 + 1;
        assertThat(unknown.fold(17, (acc, v) -> acc * 31 + v)).as("hashes as before fingerprints existed")
            .isEqualTo(legacy);
    }

    @Test
    void shouldRememberNothingWithCapacityZero()
    {
        final IdempotencyWindow window = new IdempotencyWindow(0);
        window.remember(IdempotencyWindow.hash("a"), 1, 101);
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
