package dev.strand.engine.spi;

/**
 * Reads the named fields written by a {@link FieldWriter}. Binary readers read positionally (in the order the
 * codec wrote them); JSON readers look fields up by name and reject wrong types with {@link InvalidFieldException}.
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
}
