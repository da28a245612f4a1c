package dev.strand.engine.core;

import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.RingBuffer;
import dev.strand.engine.api.BatchCallback;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.spi.FieldReader;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Where commands enter, on the callers' threads: builds a command (type, envelope, data decoded and fingerprinted,
 * ingress time stamped), refuses what cannot run now (stopping, halted, memory floor) and publishes the rest to
 * the ring without ever blocking: a full ring answers OVERLOADED at once, on the caller's thread.
 */
final class CommandIngress
{
    private static final EventTranslatorThreeArg<CommandSlot, Command, CommandCallback, Long> SINGLE =
        (slot, seq, command, callback, nanos) ->
        {
            slot.kind = CommandSlot.SINGLE;
            slot.command = command;
            slot.callback = callback;
            slot.ingressNanos = nanos;
        };

    private static final EventTranslatorThreeArg<CommandSlot, List<Command>, Boolean, BatchCallback> BATCH =
        (slot, seq, commands, atomic, callback) ->
        {
            slot.kind = CommandSlot.BATCH;
            slot.batch = commands;
            slot.atomic = atomic;
            slot.batchCallback = callback;
            slot.ingressNanos = System.nanoTime();
        };

    private final CommandFactory factory;
    private final RingBuffer<CommandSlot> ring;
    private final Counters counters;
    private final HaltState halt;
    private final CapacityGuard capacity;
    private final BooleanSupplier closed;

    CommandIngress(
        final ModuleRegistry registry,
        final RingBuffer<CommandSlot> ring,
        final Counters counters,
        final HaltState halt,
        final CapacityGuard capacity,
        final LongSupplier epochMicros,
        final BooleanSupplier closed)
    {
        this.factory = new CommandFactory(registry, epochMicros);
        this.ring = ring;
        this.counters = counters;
        this.halt = halt;
        this.capacity = capacity;
        this.closed = closed;
    }

    Command newCommand(
        final String commandId,
        final String aggregateType,
        final String type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final FieldReader data)
    {
        return factory.newCommand(commandId, aggregateType, type, aggregateId, expectedVersion, correlationId, data,
            null);
    }

    void submit(final Command command, final CommandCallback callback)
    {
        final Rejection refused = refusal(command);
        if (refused != null)
        {
            counters.halted.increment();
            callback.onComplete(CommandResult.rejected(command.commandId(), refused));
            return;
        }
        if (!ring.tryPublishEvent(SINGLE, command, callback, System.nanoTime()))
        {
            counters.overloaded.increment();
            callback.onComplete(CommandResult.rejected(command.commandId(), Rejection.OVERLOADED));
        }
    }

    void submitBatch(final List<Command> commands, final boolean atomic, final BatchCallback callback)
    {
        if (commands.isEmpty())
        {
            callback.onComplete(new BatchResult(atomic, List.of(), -1));
            return;
        }
        for (int i = 0; i < commands.size(); i++)
        {
            final Rejection refused = refusal(commands.get(i));
            if (refused != null)
            {
                counters.halted.add(commands.size());
                callback.onComplete(BatchResult.allRejected(atomic, commands, refused));
                return;
            }
        }
        if (!ring.tryPublishEvent(BATCH, List.copyOf(commands), atomic, callback))
        {
            counters.overloaded.add(commands.size());
            callback.onComplete(BatchResult.allRejected(atomic, commands, Rejection.OVERLOADED));
        }
    }

    /** Why a command cannot enter now, or null. A space halt is left to the logic stage, which can lift it. */
    private Rejection refusal(final Command command)
    {
        if (closed.getAsBoolean())
        {
            return Rejection.halted("the server is stopping");
        }
        final Rejection halted = halt.refusalAtIngress();
        if (halted != null)
        {
            return halted;
        }
        return capacity.refusal(command);
    }
}
