package dev.strand.bench.baseline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.strand.bench.support.BenchFlags;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Baseline: a raw Disruptor hand-off, one producer (the benchmark thread) and one consumer, {@link ProducerType#MULTI}
 * (as the engine's ring, fed by several event loops) and {@link BlockingWaitStrategy} (the engine's default on 2
 * cores). Nothing spins: a producer facing a full ring parks, a waiting producer parks until the consumer unparks it.
 *
 * <ul>
 * <li>{@code handoffThroughput}: publish as fast as the consumer takes events; events per second.</li>
 * <li>{@code handoffRoundTrip}: publish one event and park until the consumer has handled it and unparked the
 * producer: the same "submit, wait for the callback" shape as the engine's append-latency benchmark, without the
 * engine's work and the journal.</li>
 * </ul>
 * Self-check: at tear-down the consumer must have handled exactly the events published.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {
    BenchFlags.ADD_EXPORTS_REF, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_JAVAC,
    BenchFlags.ADD_EXPORTS_INTERNAL_MISC,
    BenchFlags.ADD_OPENS_JAVAC, BenchFlags.ADD_OPENS_LANG, BenchFlags.ADD_OPENS_REFLECT, BenchFlags.ADD_OPENS_IO,
    BenchFlags.ADD_OPENS_UTIL, BenchFlags.ADD_OPENS_NIO, BenchFlags.NO_ANALYTICS, BenchFlags.NO_ANNOUNCER,
    BenchFlags.HEAP_MIN, BenchFlags.HEAP_MAX})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class DisruptorHandoffBaseline
{
    /** Ring slots, the engine's default. */
    static final int RING_SIZE = 1 << 16;
    /** Park while the ring is full: long enough not to spin, short against a 64k ring's drain time. */
    static final long FULL_RING_PARK_NANOS = 20_000;

    private static final EventTranslatorTwoArg<HandoffEvent, Long, Waiter> TRANSLATOR =
        (event, sequence, value, waiter) ->
        {
            event.value = value;
            event.waiter = waiter;
        };

    private Disruptor<HandoffEvent> disruptor;
    private RingBuffer<HandoffEvent> ring;
    private Consumer consumer;
    private final Waiter waiter = new Waiter();
    private long published;

    @Setup(Level.Trial)
    public void start()
    {
        disruptor = new Disruptor<>(
            HandoffEvent::new, RING_SIZE, r -> new Thread(r, "handoff-consumer"), ProducerType.MULTI, new BlockingWaitStrategy());
        consumer = new Consumer();
        disruptor.handleEventsWith(consumer);
        ring = disruptor.start();
        waiter.thread = Thread.currentThread();
        published = 0;
    }

    @TearDown(Level.Trial)
    public void stop() throws TimeoutException
    {
        disruptor.shutdown(10, TimeUnit.SECONDS);
        if (consumer.handled != published)
        {
            throw new IllegalStateException("published " + published + " events but the consumer handled " + consumer.handled);
        }
    }

    /** Publishes one event without waiting for it; events per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long handoffThroughput()
    {
        final long value = ++published;
        while (!ring.tryPublishEvent(TRANSLATOR, value, null))
        {
            LockSupport.parkNanos(FULL_RING_PARK_NANOS);
        }
        return value;
    }

    /** Publishes one event and parks until the consumer has handled it. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long handoffRoundTrip()
    {
        final long value = ++published;
        waiter.thread = Thread.currentThread();
        while (!ring.tryPublishEvent(TRANSLATOR, value, waiter))
        {
            LockSupport.parkNanos(FULL_RING_PARK_NANOS);
        }
        while (waiter.done < value)
        {
            LockSupport.park(waiter);
        }
        return value;
    }

    /** A slot of the ring. */
    static final class HandoffEvent
    {
        long value;
        Waiter waiter;
    }

    /** The producer waiting for its event. */
    static final class Waiter
    {
        volatile long done;
        volatile Thread thread;
    }

    /** Counts events and wakes a waiting producer. */
    static final class Consumer implements EventHandler<HandoffEvent>
    {
        volatile long handled;
        private long count;

        @Override
        public void onEvent(final HandoffEvent event, final long sequence, final boolean endOfBatch)
        {
            count++;
            final Waiter w = event.waiter;
            if (w != null)
            {
                event.waiter = null;
                w.done = event.value;
                LockSupport.unpark(w.thread);
            }
            if (endOfBatch)
            {
                handled = count;
            }
        }
    }
}
