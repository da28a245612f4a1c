package dev.strand.engine.spi;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * Calls a {@link RecordCodec}'s two method-handle trees. The JIT inlines a method handle only when it is a constant
 * at the call site (a static final field, not an instance field), so each codec gets a class of its own, a hidden
 * class defined from {@link InvokerTemplate}'s bytes whose static finals hold that codec's trees: the whole derived
 * encoder and decoder then compile into the invoker's two methods, as a hand-written codec's lambdas do. Where the
 * template's bytes cannot be read (a class loader that does not serve {@code .class} resources), the trees are called
 * through instance fields, correct but not inlined.
 */
abstract class CodecInvoker
{
    private static final byte[] TEMPLATE = templateBytes();

    /** {@code (FieldReader) -> Object}: reads the components in order and calls the canonical constructor. */
    abstract Object read(FieldReader in) throws Throwable;

    /** {@code (Object, FieldWriter) -> void}: writes the components in order. */
    abstract void write(Object value, FieldWriter out) throws Throwable;

    /**
     * @param lookup a lookup with full privilege in this package.
     * @param reader {@code (FieldReader) -> Object}.
     * @param writer {@code (Object, FieldWriter) -> void}.
     */
    static CodecInvoker of(final MethodHandles.Lookup lookup, final MethodHandle reader, final MethodHandle writer)
    {
        if (TEMPLATE == null)
        {
            return new Bound(reader, writer);
        }
        try
        {
            final MethodHandles.Lookup invoker = lookup.defineHiddenClassWithClassData(TEMPLATE,
                List.of(reader, writer), true);
            return (CodecInvoker)invoker.findConstructor(invoker.lookupClass(), MethodType.methodType(void.class))
                .invoke();
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("cannot define the invoker of a record codec", t);
        }
    }

    private static byte[] templateBytes()
    {
        try (InputStream in = CodecInvoker.class.getResourceAsStream(InvokerTemplate.class.getSimpleName() + ".class"))
        {
            return in == null ? null : in.readAllBytes();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /** The trees through instance fields: the fallback when the template cannot be read. */
    private static final class Bound extends CodecInvoker
    {
        private final MethodHandle reader;
        private final MethodHandle writer;

        Bound(final MethodHandle reader, final MethodHandle writer)
        {
            this.reader = reader;
            this.writer = writer;
        }

        @Override
        Object read(final FieldReader in) throws Throwable
        {
            return (Object)reader.invokeExact(in);
        }

        @Override
        void write(final Object value, final FieldWriter out) throws Throwable
        {
            writer.invokeExact(value, out);
        }
    }
}
