package dev.strand.engine.spi;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Writes the named fields of a command, event or state: scalars, and the structure of nested objects, lists and maps.
 * The same codec serves the binary journal (names ignored, values written in call order) and JSON on the wire (names
 * used), so a codec must always write the same fields in the same order. The structure follows {@link FieldReader}'s:
 * list elements are written with the name {@code null}; a map entry is {@link #writeKey} then its value written with
 * the key as its name; an optional field is {@link #writePresence} then, when present, its value.
 *
 * <p>The first three methods are the original write model (SPI v1); the rest were added with records (SPI v2).
 */
public interface FieldWriter
{
    FieldWriter writeLong(String name, long value);

    /** @param value may be {@code null}. */
    FieldWriter writeString(String name, String value);

    FieldWriter writeBoolean(String name, boolean value);

    FieldWriter writeInt(String name, int value);

    /** @param value not null; exact (binary: scale and unscaled value; JSON: a plain decimal string). */
    FieldWriter writeDecimal(String name, BigDecimal value);

    /** @param value not null (binary: epoch seconds and nanoseconds; JSON: ISO-8601 in UTC). */
    FieldWriter writeInstant(String name, Instant value);

    /**
     * Whether an optional field has a value; when it has, the value follows, written with the same name (binary: one
     * byte; JSON: nothing when present, {@code null} when absent).
     */
    FieldWriter writePresence(String name, boolean present);

    FieldWriter beginObject(String name);

    FieldWriter endObject();

    FieldWriter beginList(String name, int size);

    FieldWriter endList();

    FieldWriter beginMap(String name, int size);

    /** The key of the next map entry; its value follows, written with the key as its name. */
    FieldWriter writeKey(String key);

    FieldWriter endMap();
}
