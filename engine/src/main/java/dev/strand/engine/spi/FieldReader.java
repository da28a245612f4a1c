package dev.strand.engine.spi;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Reads the named fields written by a {@link FieldWriter}: scalars, and the structure of nested objects, lists and
 * maps. Binary readers read positionally (in the order the codec wrote them); JSON readers look fields up by name and
 * reject wrong types with {@link InvalidFieldException}.
 *
 * <p>Structure. Inside {@link #beginList} ... {@link #endList} every read takes the next element and is called with
 * the name {@code null}. Inside {@link #beginMap} ... {@link #endMap} each entry is {@link #readKey} followed by one
 * read of its value named by that key. {@link #beginObject} ... {@link #endObject} reads a nested object's fields by
 * name, as at the top level.
 *
 * <p>Errors name the field relative to the object being read (the name the read was called with, {@code null} for a
 * list element); each enclosing codec puts its own part of the path in front
 * ({@link InvalidFieldException#within(String)}), so the exception that leaves the outermost decoder names the whole
 * path, such as {@code lines[1].sku}.
 *
 * <p>The first five methods are the original read model (SPI v1); the rest were added with records (SPI v2). A
 * hand-written decoder may use any of them.
 */
public interface FieldReader
{
    /** A required integral field within a signed 64-bit long. */
    long readLong(String name);

    /** An optional integral field; {@code absent} when missing or null. */
    long readLong(String name, long absent);

    /** A required string field. */
    String readString(String name);

    /** An optional string field; {@code absent} when missing or null. */
    String readString(String name, String absent);

    /** An optional boolean field. */
    boolean readBoolean(String name, boolean absent);

    /** A required boolean field. */
    boolean readBoolean(String name);

    /** A required integral field within a signed 32-bit int. */
    int readInt(String name);

    /** A required exact decimal (in JSON a string such as {@code "12.50"}: see {@link DataType.Scalar#DECIMAL}). */
    BigDecimal readDecimal(String name);

    /** A required instant (in JSON an ISO-8601 string such as {@code "2026-11-22T10:15:30.123456Z"}). */
    Instant readInstant(String name);

    /**
     * Whether an optional field has a value. When true, the value follows and is read with the same name; when false,
     * nothing of the field is left to read (a binary reader consumed its presence byte, a JSON reader found the field
     * missing or null).
     */
    boolean readPresence(String name);

    /** Enters a required nested object; its fields are read by name until {@link #endObject()}. */
    void beginObject(String name);

    /** Leaves the object entered last. A JSON reader notes a field of it that nothing read (strictness). */
    void endObject();

    /**
     * Enters a required list.
     *
     * @return the number of elements, each then read with the name {@code null}.
     */
    int beginList(String name);

    /** Leaves the list entered last. */
    void endList();

    /**
     * Enters a required map with string keys.
     *
     * @return the number of entries; each is {@link #readKey()} then its value, read with the key as its name. JSON
     * readers give the keys in sorted order (so equal maps read the same whatever the document's order).
     */
    int beginMap(String name);

    /** The next key of the map entered last. */
    String readKey();

    /** Leaves the map entered last. */
    void endMap();
}
