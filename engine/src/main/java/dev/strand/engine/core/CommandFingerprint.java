package dev.strand.engine.core;

import dev.strand.engine.spi.FieldReader;

/**
 * Computes a command's fingerprint while its module's decoder reads the command's data: every field read, its name
 * and the value the decoder got (the default, for an absent field), folded in read order. A decoder reads its fields
 * in a fixed order, so equal commands give equal fingerprints on every JVM and every node, and the fingerprint covers
 * exactly what the command means to its module. One per decode; not thread-safe.
 */
final class CommandFingerprint implements FieldReader
{
    private final FieldReader data;
    private long hash;

    private CommandFingerprint(final FieldReader data, final String type, final String aggregateId,
        final long expectedVersion)
    {
        this.data = data;
        this.hash = Hashing.mix(Hashing.mix(Hashing.hash(type) * 31 + Hashing.hash(aggregateId)) * 31 + expectedVersion);
    }

    /**
     * @return a reader over {@code data} that fingerprints what is read through it.
     */
    static CommandFingerprint over(final FieldReader data, final String type, final String aggregateId,
        final long expectedVersion)
    {
        return new CommandFingerprint(data, type, aggregateId, expectedVersion);
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
    public long readLong(final String name)
    {
        final long value = data.readLong(name);
        fold(name, value);
        return value;
    }

    @Override
    public long readLong(final String name, final long absent)
    {
        final long value = data.readLong(name, absent);
        fold(name, value);
        return value;
    }

    @Override
    public String readString(final String name)
    {
        final String value = data.readString(name);
        fold(name, Hashing.hash(value));
        return value;
    }

    @Override
    public String readString(final String name, final String absent)
    {
        final String value = data.readString(name, absent);
        fold(name, value == null ? 0x5EED : Hashing.hash(value));
        return value;
    }

    @Override
    public boolean readBoolean(final String name, final boolean absent)
    {
        final boolean value = data.readBoolean(name, absent);
        fold(name, value ? 1 : 2);
        return value;
    }
}
