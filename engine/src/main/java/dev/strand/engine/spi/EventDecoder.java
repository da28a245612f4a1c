package dev.strand.engine.spi;

/**
 * Reads an event of one schema version into the current event class. The decoder for an old schema version is
 * that version's upcaster: it reads the old fields and returns the current shape.
 */
@FunctionalInterface
public interface EventDecoder<E>
{
    E decode(FieldReader in);
}
