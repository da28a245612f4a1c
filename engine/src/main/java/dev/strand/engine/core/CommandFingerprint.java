package dev.strand.engine.core;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Computes a command's fingerprint from the reads its module's decoder makes (a {@link RecordingFieldReader.Sink}):
 * every field read, its name and the value the decoder got (the default, for an absent field), and the shape of
 * structured data (where objects, lists and maps begin and end, list and map sizes, map keys), folded in read order
 * onto the envelope's command type, aggregate id and expected version. A decoder reads its fields in a fixed order, so
 * equal commands give equal fingerprints on every JVM and every node, and the fingerprint covers exactly what the
 * command means to its module.
 *
 * <p>Fingerprints are journaled (journal format 2 on), so this fold must not change: a repeat of a command journaled
 * by an earlier build is told by it. Hence what it leaves out. The aggregate type: an aggregate id has one type, so
 * two commands on the same aggregate that differ only in it cannot both run. Presence reads: an absent optional value
 * adds nothing and a present one adds its value (or its structure's markers), so presence is already told apart, and
 * a module moved from a hand-written decoder ({@code readString(name, null)}) to a derived one keeps its
 * fingerprints. One per decode; not thread-safe.
 */
final class CommandFingerprint implements RecordingFieldReader.Sink
{
    private static final long OBJECT = 0x0B1EC7L;
    private static final long OBJECT_END = 0x0B1EC7E0L;
    private static final long LIST = 0x11577L;
    private static final long LIST_END = 0x11577E0L;
    private static final long MAP = 0x3A9L;
    private static final long MAP_END = 0x3A9E0L;
    private static final long KEY = 0x6E7L;

    private final RecordingFieldReader.Sink next;
    private long hash;

    /**
     * @param next another sink that receives every read as well (the cluster's recorder), or null.
     */
    CommandFingerprint(final String type, final String aggregateId, final long expectedVersion,
        final RecordingFieldReader.Sink next)
    {
        this.next = next;
        this.hash = Hashing.mix(Hashing.mix(Hashing.hash(type) * 31 + Hashing.hash(aggregateId)) * 31 + expectedVersion);
    }

    /**
     * @return the fingerprint of the envelope and the fields read so far; never 0 (0 means "unknown" in the journal).
     */
    long fingerprint()
    {
        return hash == 0 ? 1 : hash;
    }

    private void fold(final String name, final long value)
    {
        hash = Hashing.mix((hash * 31 + Hashing.hash(name)) * 31 + value);
    }

    @Override
    public void onLong(final String name, final long value)
    {
        fold(name, value);
        if (next != null)
        {
            next.onLong(name, value);
        }
    }

    @Override
    public void onString(final String name, final String value)
    {
        fold(name, value == null ? 0x5EED : Hashing.hash(value));
        if (next != null)
        {
            next.onString(name, value);
        }
    }

    @Override
    public void onBoolean(final String name, final boolean value)
    {
        fold(name, value ? 1 : 2);
        if (next != null)
        {
            next.onBoolean(name, value);
        }
    }

    @Override
    public void onInt(final String name, final int value)
    {
        fold(name, value);
        if (next != null)
        {
            next.onInt(name, value);
        }
    }

    @Override
    public void onDecimal(final String name, final BigDecimal value)
    {
        fold(name, value.scale());
        fold(name, Hashing.hash(value.unscaledValue().toByteArray()));
        if (next != null)
        {
            next.onDecimal(name, value);
        }
    }

    @Override
    public void onInstant(final String name, final Instant value)
    {
        fold(name, value.getEpochSecond());
        fold(name, value.getNano());
        if (next != null)
        {
            next.onInstant(name, value);
        }
    }

    @Override
    public void onPresence(final String name, final boolean present)
    {
        if (next != null)
        {
            next.onPresence(name, present);
        }
    }

    @Override
    public void onBeginObject(final String name)
    {
        fold(name, OBJECT);
        if (next != null)
        {
            next.onBeginObject(name);
        }
    }

    @Override
    public void onEndObject()
    {
        fold(null, OBJECT_END);
        if (next != null)
        {
            next.onEndObject();
        }
    }

    @Override
    public void onBeginList(final String name, final int size)
    {
        fold(name, LIST);
        fold(null, size);
        if (next != null)
        {
            next.onBeginList(name, size);
        }
    }

    @Override
    public void onEndList()
    {
        fold(null, LIST_END);
        if (next != null)
        {
            next.onEndList();
        }
    }

    @Override
    public void onBeginMap(final String name, final int size)
    {
        fold(name, MAP);
        fold(null, size);
        if (next != null)
        {
            next.onBeginMap(name, size);
        }
    }

    @Override
    public void onKey(final String key)
    {
        fold(key, KEY);
        if (next != null)
        {
            next.onKey(key);
        }
    }

    @Override
    public void onEndMap()
    {
        fold(null, MAP_END);
        if (next != null)
        {
            next.onEndMap();
        }
    }
}
