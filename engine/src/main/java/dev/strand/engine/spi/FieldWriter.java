package dev.strand.engine.spi;

/**
 * Writes the named fields of a command, event or state. The same codec serves the binary journal
 * (names ignored, values written in call order) and JSON on the wire (names used), so a codec must
 * always write the same fields in the same order.
 */
public interface FieldWriter
{
    FieldWriter writeLong(String name, long value);

    /** @param value may be {@code null}. */
    FieldWriter writeString(String name, String value);

    FieldWriter writeBoolean(String name, boolean value);
}
