package dev.strand.engine.spi;

/** Writes an event's fields (current schema version). */
@FunctionalInterface
public interface EventEncoder<E>
{
    void encode(E event, FieldWriter out);
}
