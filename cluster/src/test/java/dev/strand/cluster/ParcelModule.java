package dev.strand.cluster;

import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.Nullable;
import dev.strand.engine.spi.RecordModule;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A record module whose command data has every kind of field, for the wire format's structured reads. */
final class ParcelModule extends RecordModule<ParcelModule.Parcel>
{
    enum Priority
    {
        LOW, HIGH
    }

    record Address(String street, @Nullable String city, List<String> lines)
    {
    }

    record Item(String sku, int count, BigDecimal weight)
    {
    }

    record Ship(List<Item> items, Map<String, String> labels, Map<String, Address> stops, Optional<String> note,
        @Nullable Instant due, BigDecimal declaredValue, Priority priority, int boxes, boolean fragile, @Nullable Long ref,
        Address address)
    {
    }

    record Shipped(Ship ship)
    {
    }

    record Parcel(@Nullable Ship ship)
    {
    }

    ParcelModule()
    {
        super("parcel", Parcel.class, new Parcel(null));
        command(Ship.class, (ship, ctx) -> Decision.accept(new Shipped(ship)));
        event(Shipped.class, (s, e) -> new Parcel(e.ship()));
    }
}
