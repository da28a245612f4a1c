package dev.strand.engine.core;

import dev.strand.engine.spi.FieldReader;

/**
 * Records, while a module's decoder reads a command's data, every read it makes: the field's name, its kind and the
 * value the decoder got (the default, for an absent field), in read order, into a {@link Sink}. A decoder is a pure
 * function of what it reads, so replaying the same reads through a {@link FieldReader} on another JVM builds an equal
 * payload: that is how a command travels through a replicated log without a second data format (see the cluster
 * module). {@link CommandFingerprint} is the sink that folds the same reads into a hash. One per decode; not
 * thread-safe.
 */
public final class RecordingFieldReader implements FieldReader
{
    /** Receives each read, in order. */
    public interface Sink
    {
        void onLong(String name, long value);

        /** @param value null when the field was absent and the decoder's default was null. */
        void onString(String name, String value);

        void onBoolean(String name, boolean value);
    }

    private final FieldReader data;
    private final Sink sink;

    public RecordingFieldReader(final FieldReader data, final Sink sink)
    {
        this.data = data;
        this.sink = sink;
    }

    @Override
    public long readLong(final String name)
    {
        final long value = data.readLong(name);
        sink.onLong(name, value);
        return value;
    }

    @Override
    public long readLong(final String name, final long absent)
    {
        final long value = data.readLong(name, absent);
        sink.onLong(name, value);
        return value;
    }

    @Override
    public String readString(final String name)
    {
        final String value = data.readString(name);
        sink.onString(name, value);
        return value;
    }

    @Override
    public String readString(final String name, final String absent)
    {
        final String value = data.readString(name, absent);
        sink.onString(name, value);
        return value;
    }

    @Override
    public boolean readBoolean(final String name, final boolean absent)
    {
        final boolean value = data.readBoolean(name, absent);
        sink.onBoolean(name, value);
        return value;
    }
}
