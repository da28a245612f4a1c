package dev.strand.engine.spi;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * The template of {@link CodecInvoker}'s hidden classes: never loaded as itself, only its bytes are read, once per
 * record codec defined again as a hidden class whose class data is that codec's reader and writer. Its static finals
 * are then constants to the JIT, which inlines the trees into {@link #read} and {@link #write}.
 */
final class InvokerTemplate extends CodecInvoker
{
    private static final MethodHandle READER;
    private static final MethodHandle WRITER;

    static
    {
        try
        {
            final List<?> trees = MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, List.class);
            READER = (MethodHandle)trees.get(0);
            WRITER = (MethodHandle)trees.get(1);
        }
        catch (final IllegalAccessException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @Override
    Object read(final FieldReader in) throws Throwable
    {
        return (Object)READER.invokeExact(in);
    }

    @Override
    void write(final Object value, final FieldWriter out) throws Throwable
    {
        WRITER.invokeExact(value, out);
    }
}
