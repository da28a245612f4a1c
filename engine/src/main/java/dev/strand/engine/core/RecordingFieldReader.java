package dev.strand.engine.core;

import dev.strand.engine.spi.FieldReader;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Records, while a module's decoder reads a command's data, every read it makes: the field's name, its kind and the
 * value the decoder got (the default, for an absent field), in read order, into a {@link Sink}; for structured data
 * also the presence of optional values and where nested objects, lists and maps begin and end. A decoder is a pure
 * function of what it reads, so replaying the same reads through a {@link FieldReader} on another JVM builds an equal
 * payload: that is how a command travels through a replicated log without a second data format (see the cluster
 * module). {@link CommandFingerprint} is the sink that folds the same reads into a hash. One per decode; not
 * thread-safe.
 */
public final class RecordingFieldReader implements FieldReader
{
    /**
     * Receives each read, in order. Names are null for list elements and for the ends of structures; a map entry's
     * value is named by its key, which {@link #onKey} gave just before.
     */
    public interface Sink
    {
        void onLong(String name, long value);

        /** @param value null when the field was absent and the decoder's default was null. */
        void onString(String name, String value);

        void onBoolean(String name, boolean value);

        void onInt(String name, int value);

        void onDecimal(String name, BigDecimal value);

        void onInstant(String name, Instant value);

        /** Whether an optional value was there; when it was, its read follows. */
        void onPresence(String name, boolean present);

        void onBeginObject(String name);

        void onEndObject();

        void onBeginList(String name, int size);

        void onEndList();

        void onBeginMap(String name, int size);

        void onKey(String key);

        void onEndMap();
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

    @Override
    public boolean readBoolean(final String name)
    {
        final boolean value = data.readBoolean(name);
        sink.onBoolean(name, value);
        return value;
    }

    @Override
    public int readInt(final String name)
    {
        final int value = data.readInt(name);
        sink.onInt(name, value);
        return value;
    }

    @Override
    public BigDecimal readDecimal(final String name)
    {
        final BigDecimal value = data.readDecimal(name);
        sink.onDecimal(name, value);
        return value;
    }

    @Override
    public Instant readInstant(final String name)
    {
        final Instant value = data.readInstant(name);
        sink.onInstant(name, value);
        return value;
    }

    @Override
    public boolean readPresence(final String name)
    {
        final boolean present = data.readPresence(name);
        sink.onPresence(name, present);
        return present;
    }

    @Override
    public void beginObject(final String name)
    {
        data.beginObject(name);
        sink.onBeginObject(name);
    }

    @Override
    public void endObject()
    {
        data.endObject();
        sink.onEndObject();
    }

    @Override
    public int beginList(final String name)
    {
        final int size = data.beginList(name);
        sink.onBeginList(name, size);
        return size;
    }

    @Override
    public void endList()
    {
        data.endList();
        sink.onEndList();
    }

    @Override
    public int beginMap(final String name)
    {
        final int size = data.beginMap(name);
        sink.onBeginMap(name, size);
        return size;
    }

    @Override
    public String readKey()
    {
        final String key = data.readKey();
        sink.onKey(key);
        return key;
    }

    @Override
    public void endMap()
    {
        data.endMap();
        sink.onEndMap();
    }
}
