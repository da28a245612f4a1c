package dev.strand.engine.spi;

import java.util.List;

/**
 * The shape of a value in a record's data, as {@link RecordCodec} derives it from the record's components: what the
 * binary, JSON and snapshot codecs read and write, and what a JSON Schema of the data describes. Immutable.
 *
 * <table>
 * <caption>Java types, their data types and their JSON</caption>
 * <tr><th>Java</th><th>data type</th><th>JSON</th></tr>
 * <tr><td>{@code boolean}, {@code Boolean}</td><td>{@link Scalar#BOOLEAN}</td><td>{@code true} / {@code false}</td></tr>
 * <tr><td>{@code int}, {@code Integer}</td><td>{@link Scalar#INT}</td><td>an integer within 32 bits</td></tr>
 * <tr><td>{@code long}, {@code Long}</td><td>{@link Scalar#LONG}</td><td>an integer within 64 bits</td></tr>
 * <tr><td>{@code String}</td><td>{@link Scalar#STRING}</td><td>a string</td></tr>
 * <tr><td>{@code BigDecimal}</td><td>{@link Scalar#DECIMAL}</td><td>a string in plain decimal notation,
 * {@code "-12.50"} (exact; a JSON number would go through a binary double in most parsers)</td></tr>
 * <tr><td>{@code Instant}</td><td>{@link Scalar#INSTANT}</td><td>an ISO-8601 string; written in UTC,
 * {@code "2026-11-22T10:15:30.123456Z"}; read with {@code Z} or an offset</td></tr>
 * <tr><td>an enum</td><td>{@link EnumType}</td><td>the constant's name, a string</td></tr>
 * <tr><td>{@code List<X>}</td><td>{@link ListType}</td><td>an array (no null elements)</td></tr>
 * <tr><td>{@code Map<String, X>}</td><td>{@link MapType}</td><td>an object (no null values); binary and the
 * fingerprint take the keys in sorted order</td></tr>
 * <tr><td>a record</td><td>{@link RecordType}</td><td>an object with exactly the record's fields</td></tr>
 * </table>
 *
 * <p>A field is optional when its component is annotated {@code @Nullable} or typed {@code Optional<X>}: absent (or
 * {@code null} in JSON) it is {@code null} or {@code Optional.empty()}. A field with a {@link Default} takes that
 * value when absent. Every other field is required.
 */
public sealed interface DataType permits DataType.Scalar, DataType.EnumType, DataType.ListType, DataType.MapType,
    DataType.RecordType
{
    /** The single values. */
    enum Scalar implements DataType
    {
        BOOLEAN, INT, LONG, STRING, DECIMAL, INSTANT
    }

    /** An enum, by constant name. */
    record EnumType(Class<?> javaType, List<String> constants) implements DataType
    {
        public EnumType
        {
            constants = List.copyOf(constants);
        }
    }

    /** A list of values of one type. */
    record ListType(DataType element) implements DataType
    {
    }

    /** A map from strings to values of one type. */
    record MapType(DataType value) implements DataType
    {
    }

    /** A record: its fields, in component order (the order the binary form writes them). */
    record RecordType(Class<?> javaType, List<Field> fields) implements DataType
    {
        public RecordType
        {
            fields = List.copyOf(fields);
        }
    }

    /**
     * One field of a record.
     *
     * @param optional     true when it may be absent and is then null ({@code @Nullable} or {@code Optional<X>}).
     * @param defaultValue the value an absent field takes ({@link Default}), as text; null when it has none.
     */
    record Field(String name, DataType type, boolean optional, String defaultValue)
    {
        /** A field without a default. */
        public Field(final String name, final DataType type, final boolean optional)
        {
            this(name, type, optional, null);
        }

        /** @return true when the data must have it: not optional and without a default. */
        public boolean required()
        {
            return !optional && defaultValue == null;
        }
    }
}
