package dev.strand.engine.spi;

/**
 * Turns a command's {@code data} into the module's typed command; validates and throws {@link InvalidFieldException}.
 * It reads every field the command takes (even one it ignores): the JSON ingress refuses a field no decoder read as
 * UNKNOWN_FIELD ({@link MapFieldReader#firstUnreadField()}).
 */
@FunctionalInterface
public interface CommandDecoder<C>
{
    C decode(FieldReader data);
}
