package dev.strand.engine.spi;

import dev.strand.engine.api.Rejection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecisionTest
{
    record E(int n)
    {
    }

    @Test
    void shouldKeepEventsAndTheirAggregatesInOrder()
    {
        final Decision d = Decision.accept(new E(1)).andOn("b", new E(2)).and(new E(3)).andOn("c", new E(4));
        assertThat(d.accepted()).isTrue();
        assertThat(d.size()).isEqualTo(4);
        assertThat(d.event(0)).isEqualTo(new E(1));
        assertThat(d.event(3)).isEqualTo(new E(4));
        assertThat(d.aggregateId(0)).isNull();
        assertThat(d.aggregateId(1)).isEqualTo("b");
        assertThat(d.aggregateId(2)).isNull();
        assertThat(d.aggregateId(3)).isEqualTo("c");
        assertThat(Decision.acceptOn("x", new E(1)).andOn("y", new E(2)).aggregateId(1)).isEqualTo("y");
        assertThat(Decision.accept(new E(1), new E(2)).event(1)).isEqualTo(new E(2));
        assertThat(Decision.accept().size()).isZero();
        assertThat(Decision.accept().accepted()).isTrue();
    }

    @Test
    void shouldCarryARejectionAndNoEvents()
    {
        final Decision d = Decision.reject("NOPE", "not today");
        assertThat(d.accepted()).isFalse();
        assertThat(d.rejection()).isEqualTo(Rejection.business("NOPE", "not today"));
        assertThat(d.size()).isZero();
        assertThatThrownBy(() -> d.and(new E(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Decision.accept((Object)null)).isInstanceOf(NullPointerException.class);
    }
}
