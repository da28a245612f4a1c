package dev.strand.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AckTableTest
{
    @Test
    void shouldRememberEveryPositionOfAnAcknowledgedCommand()
    {
        final AckTable acks = new AckTable(16);
        acks.acked(12, 2, 777);

        assertThat(acks.ackNanos(11)).isEqualTo(777);
        assertThat(acks.ackNanos(12)).isEqualTo(777);
        assertThat(acks.ackNanos(10)).isZero();
        assertThat(acks.ackNanos(13)).isZero();
    }

    @Test
    void shouldForgetPositionsThatLeftTheRing()
    {
        final AckTable acks = new AckTable(4);
        acks.acked(1, 1, 100);
        acks.acked(5, 1, 500);

        assertThat(acks.ackNanos(1)).isZero();
        assertThat(acks.ackNanos(5)).isEqualTo(500);
    }

    @Test
    void shouldRequireAPowerOfTwo()
    {
        assertThatThrownBy(() -> new AckTable(10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadThePositionOfAnEventFrame()
    {
        assertThat(WsSubscriber.parsePosition("{\"position\":1234,\"aggregateId\":\"a\"}")).isEqualTo(1234);
        assertThat(WsSubscriber.parsePosition("{\"aggregateId\":\"a\", \"position\" : 7}")).isEqualTo(7);
        assertThat(WsSubscriber.parsePosition("{\"aggregateId\":\"a\"}")).isEqualTo(-1);
        assertThat(WsSubscriber.parsePosition("{\"position\":\"x\"}")).isEqualTo(-1);
    }
}
