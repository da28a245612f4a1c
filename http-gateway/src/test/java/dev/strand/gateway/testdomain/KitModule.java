package dev.strand.gateway.testdomain;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.InvalidFieldException;
import dev.strand.engine.spi.Nullable;
import dev.strand.engine.spi.RecordModule;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A record module for the gateway's tests of structured data over HTTP: lists and maps of records, decimals,
 * instants, enums and optional fields in and out. Its {@code Assemble} shares its name with {@link CrateModule}'s.
 */
public final class KitModule extends RecordModule<KitModule.Kit>
{
    public enum Finish
    {
        MATT, GLOSS
    }

    public record Part(String sku, int quantity)
    {
        public Part
        {
            if (quantity <= 0)
            {
                throw new InvalidFieldException("quantity", "quantity must be positive");
            }
        }
    }

    public record Assemble(List<Part> parts, Map<String, Part> spares, BigDecimal price, Optional<String> note,
        @Nullable Instant due, Finish finish)
    {
    }

    public record Assembled(List<Part> parts, Map<String, Part> spares, BigDecimal price, Optional<String> note,
        @Nullable Instant due, Finish finish, Instant at)
    {
    }

    public record Kit(List<Part> parts, Map<String, Part> spares, BigDecimal price, @Nullable Instant due,
        @Nullable Finish finish)
    {
        static final Kit NONE = new Kit(List.of(), Map.of(), BigDecimal.ZERO, null, null);
    }

    public KitModule()
    {
        super("kit", Kit.class, Kit.NONE);
        command(Assemble.class, (c, ctx) -> ctx.exists() ? Decision.reject(Rejection.exists(ctx.aggregateId())) :
            Decision.accept(new Assembled(c.parts(), c.spares(), c.price(), c.note(), c.due(), c.finish(), ctx.timestamp())));
        event(Assembled.class, (s, e) -> new Kit(e.parts(), e.spares(), e.price(), e.due(), e.finish()));
    }
}
