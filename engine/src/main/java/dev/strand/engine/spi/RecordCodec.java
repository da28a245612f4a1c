package dev.strand.engine.spi;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The codec of a record type, derived from its components once, when it is made: it writes a record's fields to a
 * {@link FieldWriter} and reads them back from a {@link FieldReader}, so the same codec serves the binary journal and
 * snapshots, JSON on the wire, and a command's recorded reads. Each field is named once, by its component.
 *
 * <p>Derivation resolves, once, a method handle per component accessor, one tree of method handles that writes every
 * component in order and one that reads every component in order and calls the canonical constructor; nothing
 * reflective runs per value, and primitive components are neither boxed nor gathered into an array. The two trees are
 * held as constants by a class of the codec's own ({@link CodecInvoker}), so the JIT compiles each into one inlined
 * encoder and decoder.
 *
 * <p>Validation belongs in the record's canonical (compact) constructor. Thrown while decoding, an
 * {@link InvalidFieldException} names a component and an {@link IllegalArgumentException} the record as a whole; both
 * come out of a command's decoding as 400 INVALID_FIELD with the field's path. A required component that is missing
 * is INVALID_FIELD too, before the constructor runs.
 *
 * <p>Writing checks what the types cannot: a required component that is null, a null in a list or map, are
 * {@link IllegalStateException}s (a module bug: its command is rejected, nothing is journaled).
 *
 * @param <R> the record type.
 */
public final class RecordCodec<R extends Record>
{
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodHandle READ_LONG;
    private static final MethodHandle READ_INT;
    private static final MethodHandle READ_BOOLEAN;
    private static final MethodHandle READ_LONG_OR;
    private static final MethodHandle READ_BOOLEAN_OR;
    private static final MethodHandle READ_COMPONENT;
    private static final MethodHandle WRITE_LONG;
    private static final MethodHandle WRITE_INT;
    private static final MethodHandle WRITE_BOOLEAN;
    private static final MethodHandle WRITE_COMPONENT;

    static
    {
        try
        {
            READ_LONG = LOOKUP.findVirtual(FieldReader.class, "readLong", MethodType.methodType(long.class, String.class));
            READ_INT = LOOKUP.findVirtual(FieldReader.class, "readInt", MethodType.methodType(int.class, String.class));
            READ_BOOLEAN = LOOKUP.findVirtual(FieldReader.class, "readBoolean",
                MethodType.methodType(boolean.class, String.class));
            READ_LONG_OR = LOOKUP.findVirtual(FieldReader.class, "readLong",
                MethodType.methodType(long.class, String.class, long.class));
            READ_BOOLEAN_OR = LOOKUP.findVirtual(FieldReader.class, "readBoolean",
                MethodType.methodType(boolean.class, String.class, boolean.class));
            READ_COMPONENT = LOOKUP.findVirtual(ComponentReader.class, "read",
                MethodType.methodType(Object.class, FieldReader.class));
            WRITE_LONG = LOOKUP.findVirtual(FieldWriter.class, "writeLong",
                MethodType.methodType(FieldWriter.class, String.class, long.class));
            WRITE_INT = LOOKUP.findVirtual(FieldWriter.class, "writeInt",
                MethodType.methodType(FieldWriter.class, String.class, int.class));
            WRITE_BOOLEAN = LOOKUP.findVirtual(FieldWriter.class, "writeBoolean",
                MethodType.methodType(FieldWriter.class, String.class, boolean.class));
            WRITE_COMPONENT = LOOKUP.findVirtual(ComponentWriter.class, "write",
                MethodType.methodType(void.class, Object.class, FieldWriter.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Class<R> javaType;
    private final DataType.RecordType type;
    /** Calls the tree that writes the components in order and the one that reads them and calls the constructor. */
    private final CodecInvoker invoker;

    private RecordCodec(final Class<R> javaType, final DataType.RecordType type, final CodecInvoker invoker)
    {
        this.javaType = javaType;
        this.type = type;
        this.invoker = invoker;
    }

    /**
     * Derives the codec of {@code type}.
     *
     * @throws IllegalArgumentException when a component's type is not supported, a record contains itself, or the
     *                                  record's accessors or constructor cannot be reached (make it public).
     */
    public static <R extends Record> RecordCodec<R> of(final Class<R> type)
    {
        return derive(type, new ArrayDeque<>());
    }

    @SuppressWarnings("unchecked")
    static <R extends Record> RecordCodec<R> derive(final Class<?> type, final Deque<Class<?>> deriving)
    {
        if (!type.isRecord())
        {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        if (deriving.contains(type))
        {
            throw new IllegalArgumentException("record " + type.getName() + " contains itself (through " +
                deriving.peek().getSimpleName() + "); recursive data types are not supported");
        }
        deriving.push(type);
        try
        {
            return (RecordCodec<R>)build((Class<R>)type, deriving);
        }
        finally
        {
            deriving.pop();
        }
    }

    private static <R extends Record> RecordCodec<R> build(final Class<R> javaType, final Deque<Class<?>> deriving)
    {
        final RecordComponent[] components = javaType.getRecordComponents();
        final List<DataType.Field> fields = new ArrayList<>(components.length);
        final MethodHandle[] writes = new MethodHandle[components.length];
        final MethodHandle[] reads = new MethodHandle[components.length];
        final Class<?>[] rawTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++)
        {
            final RecordComponent c = components[i];
            final String where = javaType.getSimpleName() + "." + c.getName();
            rawTypes[i] = c.getType();
            final MethodHandle getter = accessor(c, where);
            final Type generic = c.getGenericType();
            final boolean javaOptional = generic instanceof ParameterizedType p && p.getRawType() == Optional.class;
            final boolean nullable = javaOptional || isNullable(c);
            if (nullable && c.getType().isPrimitive())
            {
                throw new IllegalArgumentException(where + ": a primitive cannot be optional; use its box (Long, " +
                    "Integer, Boolean) with @Nullable");
            }
            final ValueCodec codec = ValueCodec.of(javaOptional ? ((ParameterizedType)generic).getActualTypeArguments()[0] :
                generic, where, deriving);
            final Default defaultAnnotation = c.getAnnotation(Default.class);
            final Object defaultValue = defaultAnnotation == null ? null :
                codec.parseDefault(defaultAnnotation.value(), where, nullable);
            fields.add(new DataType.Field(c.getName(), codec.type(), nullable,
                defaultAnnotation == null ? null : defaultAnnotation.value()));
            final Class<?> raw = c.getType();
            if (defaultValue != null && raw == long.class)
            {
                writes[i] = primitiveWrite(WRITE_LONG, c.getName(), getter);
                reads[i] = MethodHandles.insertArguments(READ_LONG_OR, 1, c.getName(), defaultValue);
            }
            else if (defaultValue != null && raw == boolean.class)
            {
                writes[i] = primitiveWrite(WRITE_BOOLEAN, c.getName(), getter);
                reads[i] = MethodHandles.insertArguments(READ_BOOLEAN_OR, 1, c.getName(), defaultValue);
            }
            else if (raw == long.class)
            {
                writes[i] = primitiveWrite(WRITE_LONG, c.getName(), getter);
                reads[i] = MethodHandles.insertArguments(READ_LONG, 1, c.getName());
            }
            else if (raw == int.class)
            {
                writes[i] = primitiveWrite(WRITE_INT, c.getName(), getter);
                reads[i] = MethodHandles.insertArguments(READ_INT, 1, c.getName());
            }
            else if (raw == boolean.class)
            {
                writes[i] = primitiveWrite(WRITE_BOOLEAN, c.getName(), getter);
                reads[i] = MethodHandles.insertArguments(READ_BOOLEAN, 1, c.getName());
            }
            else
            {
                writes[i] = WRITE_COMPONENT.bindTo(
                    new ComponentWriter(javaType.getSimpleName(), c.getName(), getter, codec, nullable, javaOptional));
                reads[i] = READ_COMPONENT.bindTo(new ComponentReader(c.getName(), codec, nullable, javaOptional,
                    defaultValue)).asType(MethodType.methodType(raw, FieldReader.class));
            }
        }
        final DataType.RecordType type = new DataType.RecordType(javaType, fields);
        return new RecordCodec<>(javaType, type,
            CodecInvoker.of(LOOKUP, readerOf(javaType, rawTypes, reads), writerOf(writes)));
    }

    /** {@code (Object, FieldWriter) -> void}: {@code out.writeX(name, getter(record))}. */
    private static MethodHandle primitiveWrite(final MethodHandle write, final String name, final MethodHandle getter)
    {
        MethodHandle h = MethodHandles.insertArguments(write, 1, name);       // (FieldWriter, x) -> FieldWriter
        h = MethodHandles.filterArguments(h, 1, getter);                      // (FieldWriter, Object) -> FieldWriter
        h = MethodHandles.permuteArguments(h,
            MethodType.methodType(FieldWriter.class, Object.class, FieldWriter.class), 1, 0);
        return h.asType(MethodType.methodType(void.class, Object.class, FieldWriter.class));
    }

    /** {@code (Object, FieldWriter) -> void}: every component's write, in order (the outermost fold runs first). */
    private static MethodHandle writerOf(final MethodHandle[] writes)
    {
        MethodHandle h = MethodHandles.empty(MethodType.methodType(void.class, Object.class, FieldWriter.class));
        for (int i = writes.length - 1; i >= 0; i--)
        {
            h = MethodHandles.foldArguments(h, writes[i]);
        }
        return h;
    }

    /** {@code (FieldReader) -> Object}: the constructor, each argument read in component order. */
    private static MethodHandle readerOf(final Class<?> javaType, final Class<?>[] rawTypes, final MethodHandle[] reads)
    {
        final Constructor<?> constructor;
        try
        {
            constructor = javaType.getDeclaredConstructor(rawTypes);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new IllegalArgumentException("record " + javaType.getName() + " has no canonical constructor", ex);
        }
        MethodHandle h;
        try
        {
            if (!constructor.trySetAccessible())
            {
                throw inaccessible(javaType.getName());
            }
            h = LOOKUP.unreflectConstructor(constructor);
        }
        catch (final IllegalAccessException ex)
        {
            throw inaccessible(javaType.getName());
        }
        h = MethodHandles.dropArguments(h, rawTypes.length, FieldReader.class);
        // fold from the last component to the first: the outermost fold, the first component's read, runs first
        for (int i = rawTypes.length - 1; i >= 0; i--)
        {
            h = MethodHandles.foldArguments(h, i, reads[i]);
        }
        return h.asType(MethodType.methodType(Object.class, FieldReader.class));
    }

    private static MethodHandle accessor(final RecordComponent c, final String where)
    {
        final Method method = c.getAccessor();
        try
        {
            if (!method.trySetAccessible())
            {
                throw inaccessible(where);
            }
            final MethodHandle h = LOOKUP.unreflect(method);
            final Class<?> raw = c.getType();
            return h.asType(MethodType.methodType(raw.isPrimitive() ? raw : Object.class, Object.class));
        }
        catch (final IllegalAccessException ex)
        {
            throw inaccessible(where);
        }
    }

    private static IllegalArgumentException inaccessible(final String what)
    {
        return new IllegalArgumentException(what + " cannot be reached by the engine: make the record public (and " +
            "its package open, in a named module)");
    }

    /** {@code @Nullable} (this package's, or any annotation of that simple name) on the component or its type. */
    private static boolean isNullable(final RecordComponent c)
    {
        for (final Annotation a : c.getAnnotations())
        {
            if (a.annotationType().getSimpleName().equals("Nullable"))
            {
                return true;
            }
        }
        for (final Annotation a : c.getAnnotatedType().getAnnotations())
        {
            if (a.annotationType().getSimpleName().equals("Nullable"))
            {
                return true;
            }
        }
        return false;
    }

    /** A constructor's IllegalArgumentException is about the record as a whole: INVALID_FIELD naming its path. */
    private static InvalidFieldException invalidRecord(final IllegalArgumentException ex)
    {
        return ex.getMessage() == null ? InvalidFieldException.because(null, "is not valid") :
            new InvalidFieldException(null, ex.getMessage());
    }

    public Class<R> javaType()
    {
        return javaType;
    }

    /** What calls the derived trees (for a test that each codec has a hidden class of its own). */
    CodecInvoker invoker()
    {
        return invoker;
    }

    /** The record's fields and their types (for a JSON Schema of the data, among others). */
    public DataType.RecordType type()
    {
        return type;
    }

    /** Writes the record's fields, in component order. */
    public void write(final R value, final FieldWriter out)
    {
        writeObject(value, out);
    }

    /** {@link #write} for a value known to be an {@code R}. */
    void writeObject(final Object value, final FieldWriter out)
    {
        try
        {
            invoker.write(value, out);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("writing " + javaType.getSimpleName() + " failed", t);
        }
    }

    /**
     * Reads a record written by {@link #write} (or given as JSON), components in order.
     *
     * @throws InvalidFieldException for data the record's types or its constructor refuse.
     */
    public R read(final FieldReader in)
    {
        try
        {
            return javaType.cast(invoker.read(in));
        }
        catch (final IllegalArgumentException ex)
        {
            // readers report bad data as InvalidFieldException, and a nested record's codec has turned its own
            // constructor's into one: this one comes from this record's constructor
            throw invalidRecord(ex);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("reading " + javaType.getSimpleName() + " failed", t);
        }
    }

    @Override
    public String toString()
    {
        return "RecordCodec[" + javaType.getName() + "]";
    }

    /**
     * Reads one component that is not a primitive: its value; when absent, null / {@code Optional.empty()} for an
     * optional one, its default for one with a {@link Default}.
     */
    static final class ComponentReader
    {
        private final String name;
        private final ValueCodec codec;
        private final boolean optional;
        private final boolean javaOptional;
        private final Object defaultValue;

        ComponentReader(final String name, final ValueCodec codec, final boolean optional, final boolean javaOptional,
            final Object defaultValue)
        {
            this.name = name;
            this.codec = codec;
            this.optional = optional;
            this.javaOptional = javaOptional;
            this.defaultValue = defaultValue;
        }

        Object read(final FieldReader in)
        {
            if (defaultValue != null)
            {
                return codec.readOr(in, name, defaultValue);
            }
            if (!optional)
            {
                return codec.read(in, name);
            }
            final Object value = codec.readOptional(in, name);
            return javaOptional ? Optional.ofNullable(value) : value;
        }
    }

    /** Writes one component that is not a primitive, reading it through its accessor's method handle. */
    static final class ComponentWriter
    {
        private final String owner;
        private final String name;
        private final MethodHandle getter;
        private final ValueCodec codec;
        private final boolean optional;
        private final boolean javaOptional;

        ComponentWriter(final String owner, final String name, final MethodHandle getter, final ValueCodec codec,
            final boolean optional, final boolean javaOptional)
        {
            this.owner = owner;
            this.name = name;
            this.getter = getter;
            this.codec = codec;
            this.optional = optional;
            this.javaOptional = javaOptional;
        }

        void write(final Object record, final FieldWriter out) throws Throwable
        {
            Object value = (Object)getter.invokeExact(record);
            if (javaOptional)
            {
                value = value == null ? null : ((Optional<?>)value).orElse(null);
            }
            if (optional)
            {
                codec.writeOptional(out, name, value);
            }
            else if (value == null)
            {
                throw new IllegalStateException(owner + "." + name + " is null but not optional (@Nullable or Optional)");
            }
            else
            {
                codec.write(out, name, value);
            }
        }
    }
}
