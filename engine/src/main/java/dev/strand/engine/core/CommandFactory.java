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

import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The one place a {@link Command} is built from its envelope and data: type resolved (by its name, within the
 * envelope's aggregate type when it names one), envelope checked ({@link Envelope}), data decoded by the module's
 * decoder while {@link CommandFingerprint} folds what it reads, a command id given when the caller sent none, the time
 * stamped. Used at ingress by both drivers ({@link CommandIngress} on one node; the cluster's ingress, which also
 * records the reads with a {@link RecordingFieldReader.Sink}), and by every cluster member to build the command again
 * from the recorded reads ({@link #rebuild}). Thread-safe.
 *
 * <p>Resolution uses the envelope only, never the state: a name one aggregate type registers resolves alone; a name
 * several register needs {@code aggregateType} (else AMBIGUOUS_COMMAND_TYPE). The existing aggregate's type does not
 * resolve it: ingress runs before sequencing, where the state is not known (and on a cluster differs per member), and
 * the data cannot be decoded before the type is known. Whether the aggregate then has that type is checked when the
 * command runs (AGGREGATE_TYPE_MISMATCH).
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
     * @param commandId     null to get a new random id.
     * @param aggregateType the aggregate type whose command type {@code type} is, or null when the name alone says.
     * @param recorder      told every read the decoder makes, or null.
     * @throws InvalidCommandException for an unknown or ambiguous type, a broken envelope rule or data the decoder
     *                                 refuses (INVALID_FIELD naming {@code data.<path>}).
     */
    public Command newCommand(
        final String commandId,
        final String aggregateType,
        final String type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final FieldReader data,
        final RecordingFieldReader.Sink recorder)
    {
        final CommandType<?, ?> commandType = resolve(aggregateType, type);
        Envelope.check(commandId, aggregateId, expectedVersion, correlationId);
        final CommandFingerprint fingerprint = new CommandFingerprint(type, aggregateId, expectedVersion, recorder);
        final Object payload;
        try
        {
            payload = commandType.decoder().decode(new RecordingFieldReader(data, fingerprint));
        }
        catch (final InvalidFieldException ex)
        {
            final InvalidFieldException named = ex.within("data");
            throw new InvalidCommandException(Rejection.invalidField(named.field(), named.getMessage()));
        }
        if (payload == null)
        {
            throw new InvalidCommandException(Rejection.invalidField("data", "the command's data could not be decoded"));
        }
        return new Command(commandId != null ? commandId : UUID.randomUUID().toString(), commandType, aggregateId,
            expectedVersion, correlationId, payload, epochMicros.getAsLong(), fingerprint.fingerprint());
    }

    /**
     * The command type an envelope names.
     *
     * @throws InvalidCommandException UNKNOWN_AGGREGATE_TYPE, UNKNOWN_COMMAND_TYPE (listing what there is) or
     *                                 AMBIGUOUS_COMMAND_TYPE (naming the aggregate types that have it).
     */
    public CommandType<?, ?> resolve(final String aggregateType, final String type)
    {
        if (type == null)
        {
            throw unknownType("unknown command type (none); registered types: " + String.join(", ",
                registry.commandTypeNames()));
        }
        if (aggregateType != null)
        {
            if (registry.module(aggregateType) == null)
            {
                throw new InvalidCommandException(new Rejection(RejectionKind.INVALID, ResultCodes.UNKNOWN_AGGREGATE_TYPE,
                    "unknown aggregate type '" + abbreviate(aggregateType) + "'; registered aggregate types: " +
                    String.join(", ", registry.aggregateTypes()), "aggregateType", -1));
            }
            final CommandType<?, ?> commandType = registry.commandType(aggregateType, type);
            if (commandType == null)
            {
                throw unknownType("unknown command type '" + abbreviate(type) + "' for aggregate type " + aggregateType +
                    "; its command types: " + String.join(", ", registry.module(aggregateType).commandTypes().stream()
                    .map(CommandType::name).sorted().toList()));
            }
            return commandType;
        }
        final List<CommandType<?, ?>> named = registry.commandTypesNamed(type);
        if (named.isEmpty())
        {
            throw unknownType("unknown command type '" + abbreviate(type) + "'; registered types: " +
                String.join(", ", registry.commandTypeNames()));
        }
        if (named.size() > 1)
        {
            throw new InvalidCommandException(new Rejection(RejectionKind.INVALID, ResultCodes.AMBIGUOUS_COMMAND_TYPE,
                "command type '" + type + "' is registered by aggregate types " +
                String.join(", ", ModuleRegistry.aggregateTypesOf(named)) + ": say which in aggregateType",
                "aggregateType", -1));
        }
        return named.get(0);
    }

    /**
     * Builds a command again from what its ingress recorded (its envelope and the decoder's reads, replayed through
     * {@code recordedReads}), with the ingress time and fingerprint it travelled with. The decoder runs again, so the
     * payload is the module's own object; the fingerprint is folded again and must equal the one that travelled.
     *
     * @param aggregateType the aggregate type recorded with the command; null for a record made before aggregate types
     *                      travelled with commands (cluster messages of version 1): the type is then resolved by its
     *                      name alone, as it was then.
     * @throws IllegalStateException when the type is not registered here, the decoder refuses the replayed reads or
     *                               the fingerprint differs: the members do not run the same modules.
     */
    public Command rebuild(
        final String commandId,
        final String aggregateType,
        final String type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final FieldReader recordedReads,
        final long timestampMicros,
        final long expectedFingerprint)
    {
        final CommandType<?, ?> commandType;
        try
        {
            commandType = resolve(aggregateType, type);
        }
        catch (final InvalidCommandException ex)
        {
            throw new IllegalStateException("command " + commandId + " cannot be resolved on this member: " +
                ex.rejection().detail(), ex);
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

    private static InvalidCommandException unknownType(final String detail)
    {
        return new InvalidCommandException(new Rejection(RejectionKind.INVALID, ResultCodes.UNKNOWN_COMMAND_TYPE,
            detail, "type", -1));
    }

    private static String abbreviate(final String value)
    {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }
}
