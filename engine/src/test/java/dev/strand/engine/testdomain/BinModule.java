package dev.strand.engine.testdomain;

import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.RecordModule;

/**
 * Two test modules for {@code --modules}, put in jars by {@code ModuleDirectoryTest}: {@code bin} takes a command named
 * {@code Restock} like the inventory's {@code item} (allowed: command names are scoped by aggregate type), and
 * {@link Twice} registers one command name twice within its own type (refused).
 */
public final class BinModule extends RecordModule<BinModule.Bin>
{
    public record Bin(long count)
    {
    }

    public record Restock(long quantity)
    {
    }

    public record Filled(long quantity)
    {
    }

    public BinModule()
    {
        super("bin", Bin.class, new Bin(0));
        command(Restock.class, (c, ctx) -> Decision.accept(new Filled(c.quantity())));
        event(Filled.class, (s, e) -> new Bin(s.count() + e.quantity()));
    }

    /** {@code twice}: {@code Fill} registered twice. */
    public static final class Twice extends RecordModule<Twice.Box>
    {
        public record Box(long count)
        {
        }

        public record Fill(long quantity)
        {
        }

        public record Boxed(long quantity)
        {
        }

        public Twice()
        {
            super("twice", Box.class, new Box(0));
            command(Fill.class, (c, ctx) -> Decision.accept(new Boxed(c.quantity())));
            command("Fill", Fill.class, (c, ctx) -> Decision.accept(new Boxed(c.quantity() * 2)));
            event(Boxed.class, (s, e) -> new Box(s.count() + e.quantity()));
        }
    }
}
