package dev.strand.engine.core;

/**
 * Computes a command's fingerprint from the reads its module's decoder makes (a {@link RecordingFieldReader.Sink}):
 * every field read, its name and the value the decoder got (the default, for an absent field), folded in read order
 * onto the envelope's type, aggregate id and expected version. A decoder reads its fields in a fixed order, so equal
 * commands give equal fingerprints on every JVM and every node, and the fingerprint covers exactly what the command
 * means to its module. One per decode; not thread-safe.
 */
final class CommandFingerprint implements RecordingFieldReader.Sink
{
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
}
