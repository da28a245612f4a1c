package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.Envelope;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.InvalidFieldException;

import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The one place a {@link Command} is built from its envelope and data: type resolved, envelope checked
 * ({@link Envelope}), data decoded by the module's decoder while {@link CommandFingerprint} folds what it reads, a
 * command id given when the caller sent none, the time stamped. Used at ingress by both drivers ({@link CommandIngress}
 * on one node; the cluster's ingress, which also records the reads with a {@link RecordingFieldReader.Sink}), and by
 * every cluster member to build the command again from the recorded reads ({@link #rebuild}). Thread-safe.
 */
public final class CommandFactory
{
    private final ModuleRegistry registry;
    private final LongSupplier epochMicros;

    /**
     * @param epochMicros the ingress clock; nothing after ingress reads a clock.
     */
    public CommandFactory(final ModuleRegistry registry, final LongSupplier epochMicros)
    {
        this.registry = registry;
        this.epochMicros = epochMicros;
    }

    public ModuleRegistry registry()
    {
        return registry;
    }

    /**
     * Builds a command at ingress.
     *
     * @param commandId null to get a new random id.
     * @param recorder  told every read the decoder makes, or null.
     * @throws InvalidCommandException for an unknown type, a broken envelope rule or data the decoder refuses.
     */
    public Command newCommand(
        final String commandId,
        final String type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final FieldReader data,
        final RecordingFieldReader.Sink recorder)
    {
        final CommandType<?, ?> commandType = type == null ? null : registry.commandType(type);
        if (commandType == null)
        {
            throw new InvalidCommandException(new Rejection(RejectionKind.INVALID, ResultCodes.UNKNOWN_COMMAND_TYPE,
                "unknown command type " + (type == null ? "(none)" : "'" + abbreviate(type) + "'") +
                "; registered types: " + String.join(", ", registry.commandTypeNames()), "type", -1));
        }
        Envelope.check(commandId, aggregateId, expectedVersion, correlationId);
        final CommandFingerprint fingerprint = new CommandFingerprint(type, aggregateId, expectedVersion, recorder);
        final Object payload;
        try
        {
            payload = commandType.decoder().decode(new RecordingFieldReader(data, fingerprint));
        }
        catch (final InvalidFieldException ex)
        {
            throw new InvalidCommandException(Rejection.invalidField(ex.field(), ex.getMessage()));
        }
        if (payload == null)
        {
            throw new InvalidCommandException(Rejection.invalidField("data", "the command's data could not be decoded"));
        }
        return new Command(commandId != null ? commandId : UUID.randomUUID().toString(), commandType, aggregateId,
            expectedVersion, correlationId, payload, epochMicros.getAsLong(), fingerprint.fingerprint());
    }

    /**
     * Builds a command again from what its ingress recorded (its envelope and the decoder's reads, replayed through
     * {@code recordedReads}), with the ingress time and fingerprint it travelled with. The decoder runs again, so the
     * payload is the module's own object; the fingerprint is folded again and must equal the one that travelled.
     *
     * @throws IllegalStateException when the type is not registered here, the decoder refuses the replayed reads or
     *                               the fingerprint differs: the members do not run the same modules.
     */
    public Command rebuild(
        final String commandId,
        final String type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final FieldReader recordedReads,
        final long timestampMicros,
        final long expectedFingerprint)
    {
        final CommandType<?, ?> commandType = registry.commandType(type);
        if (commandType == null)
        {
            throw new IllegalStateException("command type " + type + " is not registered on this member");
        }
        final CommandFingerprint fingerprint = new CommandFingerprint(type, aggregateId, expectedVersion, null);
        final Object payload;
        try
        {
            payload = commandType.decoder().decode(new RecordingFieldReader(recordedReads, fingerprint));
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("the " + type + " decoder refused the reads recorded at ingress for command " +
                commandId + ": " + ex.getMessage(), ex);
        }
        if (payload == null || fingerprint.fingerprint() != expectedFingerprint)
        {
            throw new IllegalStateException("command " + commandId + " (" + type + ") decodes differently on this " +
                "member than at ingress (fingerprint " + Long.toHexString(fingerprint.fingerprint()) + ", sent " +
                Long.toHexString(expectedFingerprint) + ")");
        }
        return new Command(commandId, commandType, aggregateId, expectedVersion, correlationId, payload,
            timestampMicros, expectedFingerprint);
    }

    private static String abbreviate(final String value)
    {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }
}
