package dev.strand.engine.spi;

/** Turns a command's {@code data} into the module's typed command; validates and throws {@link InvalidFieldException}. */
@FunctionalInterface
public interface CommandDecoder<C>
{
    C decode(FieldReader data);
}
