package dev.strand.engine.spi;

import java.util.Objects;

/**
 * A command type a module registers: its wire name, how its data is decoded, and its {@code decide}.
 */
public final class CommandType<S, C>
{
    private final String name;
    private final CommandDecoder<C> decoder;
    private final CommandHandler<S, C> handler;
    private AggregateModule<S> module;

    private CommandType(final String name, final CommandDecoder<C> decoder, final CommandHandler<S, C> handler)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    public static <S, C> CommandType<S, C> of(
        final String name, final CommandDecoder<C> decoder, final CommandHandler<S, C> handler)
    {
        return new CommandType<>(name, decoder, handler);
    }

    public String name()
    {
        return name;
    }

    public CommandDecoder<C> decoder()
    {
        return decoder;
    }

    public CommandHandler<S, C> handler()
    {
        return handler;
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
