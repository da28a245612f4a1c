package dev.strand.gateway.testdomain;

import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.Nullable;
import dev.strand.engine.spi.RecordModule;

/** A second record module with an {@code Assemble} command, so the name alone is ambiguous. */
public final class CrateModule extends RecordModule<CrateModule.Crate>
{
    public record Assemble(String label)
    {
    }

    public record CrateAssembled(String label)
    {
    }

    public record Crate(@Nullable String label)
    {
    }

    public CrateModule()
    {
        super("crate", Crate.class, new Crate(null));
        command(Assemble.class, (c, ctx) -> Decision.accept(new CrateAssembled(c.label())));
        event(CrateAssembled.class, (s, e) -> new Crate(e.label()));
    }
}
