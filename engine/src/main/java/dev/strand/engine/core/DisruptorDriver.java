package dev.strand.engine.core;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.EngineWaitStrategy;
import dev.strand.engine.api.Rejection;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalFullException;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The single-node driver: the Disruptor ring sequences commands, and this handler, on the {@code engine-logic}
 * thread, runs the {@link EngineCore} on each, answers and group-commits. In {@code sync} durability the journal is
 * flushed once at the end of each Disruptor batch and only then are the batch's commands answered; in {@code async}
 * each command is answered as soon as its commit is in the journal.
 *
 * <p>Error policy: a journal failure halts the engine for good (this and every later command gets {@code HALTED};
 * nothing unjournaled is acknowledged), the free-space floor halts it until space returns (nothing was written); a
 * failed group-commit flush halts it and answers every command of the batch {@code HALTED}, since none of them is
 * known to be on disk. Anything else that escapes the core is a broken invariant and halts as well.
 */
final class DisruptorDriver implements EventHandler<CommandSlot>
{
    private final EngineCore core;
    private final JournalAppender journal;
    private final HaltState halt;
    private final LongSupplier freeBytes;
    private final Completer completer;
    private final boolean groupCommit;
    private RingBuffer<CommandSlot> ring;
    private long unflushedFrom = -1;

    /**
     * @param groupCommit true in sync durability: answers wait for the flush at the end of the Disruptor batch.
     */
    DisruptorDriver(
        final EngineCore core,
        final JournalAppender journal,
        final HaltState halt,
        final LongSupplier freeBytes,
        final Completer completer,
        final boolean groupCommit)
    {
        this.core = core;
        this.journal = journal;
        this.halt = halt;
        this.freeBytes = freeBytes;
        this.completer = completer;
        this.groupCommit = groupCommit;
    }

    /** The ring this driver consumes, to answer a batch's slots after a group commit. */
    void ringBuffer(final RingBuffer<CommandSlot> ring)
    {
        this.ring = ring;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (unflushedFrom < 0)
        {
            unflushedFrom = sequence;
        }
        try
        {
            switch (slot.kind)
            {
                case CommandSlot.SINGLE -> slot.outcome = single(slot.command);
                case CommandSlot.BATCH -> batch(slot);
                case CommandSlot.CONTROL -> slot.control.accept(core.state());
                default -> throw new IllegalStateException("unknown slot kind " + slot.kind);
            }
        }
        catch (final Throwable t)
        {
            halt.halt("logic stage failed: " + t, t);
            haltSlot(slot, halt.rejection());
        }
        if (!groupCommit)
        {
            completer.complete(slot, sequence);
        }
        if (endOfBatch)
        {
            flush(sequence);
        }
    }

    private Outcome single(final Command command)
    {
        final Rejection unavailable = halt.check(freeBytes);
        if (unavailable != null)
        {
            return new Outcome.Rejected(unavailable);
        }
        try
        {
            return core.execute(command, journal);
        }
        catch (final JournalFullException full)
        {
            halt.haltForSpace(full.getMessage());
        }
        catch (final Throwable t)
        {
            halt.halt("journal write failed: " + t, t);
        }
        return new Outcome.Rejected(halt.rejection());
    }

    private void batch(final CommandSlot slot)
    {
        final List<Command> commands = slot.batch;
        if (!slot.atomic)
        {
            final Outcome[] outcomes = new Outcome[commands.size()];
            for (int i = 0; i < outcomes.length; i++)
            {
                outcomes[i] = single(commands.get(i));
            }
            slot.outcomes = outcomes;
            slot.failedIndex = -1;
            return;
        }
        final Rejection unavailable = halt.check(freeBytes);
        if (unavailable != null)
        {
            haltSlot(slot, unavailable);
            return;
        }
        try
        {
            final EngineCore.BatchOutcome outcome = core.executeAtomic(commands, journal);
            slot.outcomes = outcome.outcomes();
            slot.failedIndex = outcome.failedIndex();
            return;
        }
        catch (final JournalFullException full)
        {
            halt.haltForSpace(full.getMessage());
        }
        catch (final Throwable t)
        {
            halt.halt("journal write failed: " + t, t);
        }
        haltSlot(slot, halt.rejection());
    }

    private void flush(final long endSequence)
    {
        try
        {
            journal.flush();
        }
        catch (final Throwable t)
        {
            halt.halt("journal flush failed: " + t, t);
            final Rejection halted = halt.rejection();
            for (long s = unflushedFrom; s <= endSequence; s++)
            {
                haltSlot(ring.get(s), halted);
            }
        }
        if (groupCommit)
        {
            for (long s = unflushedFrom; s <= endSequence; s++)
            {
                completer.complete(ring.get(s), s);
            }
        }
        unflushedFrom = -1;
    }

    private static void haltSlot(final CommandSlot slot, final Rejection rejection)
    {
        final Outcome.Rejected halted = new Outcome.Rejected(rejection);
        if (slot.kind == CommandSlot.SINGLE)
        {
            slot.outcome = halted;
        }
        else if (slot.kind == CommandSlot.BATCH)
        {
            slot.outcomes = new Outcome[slot.batch.size()];
            java.util.Arrays.fill(slot.outcomes, halted);
            slot.failedIndex = slot.atomic && slot.outcomes.length > 0 ? 0 : -1;
        }
    }

    /** The ring's wait strategy by its configured name. */
    static WaitStrategy waitStrategy(final EngineWaitStrategy kind)
    {
        return switch (kind)
        {
            case BLOCKING -> new BlockingWaitStrategy();
            case LITE_BLOCKING -> new LiteBlockingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case PHASED -> PhasedBackoffWaitStrategy.withLiteLock(10, 100, TimeUnit.MICROSECONDS);
        };
    }

    /** Policy for anything the driver did not catch itself: halt. */
    static final class HaltingExceptionHandler implements ExceptionHandler<CommandSlot>
    {
        private final HaltState halt;

        HaltingExceptionHandler(final HaltState halt)
        {
            this.halt = halt;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final CommandSlot event)
        {
            halt.halt("pipeline stage failed at sequence " + sequence + ": " + ex, ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            halt.halt("pipeline failed to start: " + ex, ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            org.slf4j.LoggerFactory.getLogger(DisruptorDriver.class).warn("pipeline shutdown: {}", ex.toString());
        }
    }
}
