package dev.strand.engine.spi;

import java.util.Objects;

/**
 * A command type a module registers: its wire name (unique within its aggregate type), how its data is decoded, and
 * its {@code decide}: a {@link Decider} returning a {@link Decision} (SPI v2, what {@link RecordModule} registers), or
 * a {@link CommandHandler} that emits into its context and returns a nullable rejection (SPI v1, hand-written modules).
 */
public final class CommandType<S, C>
{
    private final String name;
    private final CommandDecoder<C> decoder;
    private final CommandHandler<S, C> handler;
    private final Decider<S, C> decider;
    private final DataType.RecordType schema;
    private AggregateModule<S> module;

    private CommandType(final String name, final CommandDecoder<C> decoder, final CommandHandler<S, C> handler,
        final Decider<S, C> decider, final DataType.RecordType schema)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.handler = handler;
        this.decider = decider;
        this.schema = schema;
    }

    /** A command type whose handler emits into its context (SPI v1). */
    public static <S, C> CommandType<S, C> of(
        final String name, final CommandDecoder<C> decoder, final CommandHandler<S, C> handler)
    {
        return new CommandType<>(name, decoder, Objects.requireNonNull(handler, "handler"), null, null);
    }

    /** A command type whose decider returns a {@link Decision}, with a hand-written decoder. */
    public static <S, C> CommandType<S, C> deciding(
        final String name, final CommandDecoder<C> decoder, final Decider<S, C> decider)
    {
        return new CommandType<>(name, decoder, null, Objects.requireNonNull(decider, "decider"), null);
    }

    /** A command type whose data is a record, decoded by its derived codec. */
    static <S, C extends Record> CommandType<S, C> derived(
        final String name, final RecordCodec<C> codec, final Decider<S, C> decider)
    {
        return new CommandType<>(name, codec::read, null, Objects.requireNonNull(decider, "decider"), codec.type());
    }

    public String name()
    {
        return name;
    }

    public CommandDecoder<C> decoder()
    {
        return decoder;
    }

    /** @return the v1 handler, or null for a command type with a {@link #decider()}. */
    public CommandHandler<S, C> handler()
    {
        return handler;
    }

    /** @return the decider, or null for a command type with a v1 {@link #handler()}. */
    public Decider<S, C> decider()
    {
        return decider;
    }

    /** @return the shape of the command's data when it is derived from a record, else null (a hand-written decoder). */
    public DataType.RecordType schema()
    {
        return schema;
    }

    /** The module this type belongs to; set once when the registry is built. */
    public AggregateModule<S> module()
    {
        return module;
    }

    void bind(final AggregateModule<S> module)
    {
        if (this.module != null && this.module != module)
        {
            throw new IllegalStateException("command type " + name + " registered by two modules");
        }
        this.module = module;
    }
}
