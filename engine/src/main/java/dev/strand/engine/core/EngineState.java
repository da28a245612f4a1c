package dev.strand.engine.core;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.EventType;
import dev.strand.journal.EventRecord;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * The whole state the engine derives from the journal: every aggregate, the idempotency window and the position
 * applied. The writer, the read model and the snapshotter each own one; it is single-threaded except that the
 * read model gives it a concurrent map so queries can read entries.
 */
public final class EngineState
{
    /** Version 3 keeps each remembered command's fingerprint; version 2 bodies (without) are still read. */
    static final int SNAPSHOT_BODY_VERSION = 3;
    private static final int SNAPSHOT_BODY_VERSION_2 = 2;

    private final ModuleRegistry registry;
    private final Map<String, AggregateEntry> aggregates;
    private final IdempotencyWindow window;
    private final EventCodec codec;
    private final BinaryFieldWriter stateWriter = new BinaryFieldWriter();
    private final BinaryFieldReader stateReader = new BinaryFieldReader();
    private long position;

    /**
     * An empty state (position 0), for a driver that rebuilds it itself (from a snapshot and a replicated log).
     *
     * @param windowCapacity command ids remembered for idempotent replays.
     */
    public static EngineState empty(final ModuleRegistry registry, final int windowCapacity)
    {
        return new EngineState(registry, new org.agrona.collections.Object2ObjectHashMap<>(), windowCapacity);
    }

    EngineState(final ModuleRegistry registry, final Map<String, AggregateEntry> aggregates, final int windowCapacity)
    {
        this.registry = registry;
        this.aggregates = aggregates;
        this.window = new IdempotencyWindow(windowCapacity);
        this.codec = new EventCodec(registry);
    }

    /** @return the journal position applied. */
    public long position()
    {
        return position;
    }

    AggregateEntry get(final String aggregateId)
    {
        return aggregates.get(aggregateId);
    }

    public int aggregateCount()
    {
        return aggregates.size();
    }

    IdempotencyWindow window()
    {
        return window;
    }

    /** The aggregates, read-only (a replay compares two states by them). */
    Map<String, AggregateEntry> aggregates()
    {
        return java.util.Collections.unmodifiableMap(aggregates);
    }

    ModuleRegistry registry()
    {
        return registry;
    }

    /**
     * Makes {@code target} (an empty replica) equal to this state: same aggregates (the immutable entries are shared),
     * same window (as far as the target's capacity allows), same position.
     */
    void copyTo(final EngineState target)
    {
        for (final Map.Entry<String, AggregateEntry> e : aggregates.entrySet())
        {
            target.aggregates.put(e.getKey(), e.getValue());
        }
        window.copyTo(target.window);
        target.position = position;
    }

    /** Installs an entry the writer computed (the evolve already ran) and advances the position. */
    void put(final String aggregateId, final AggregateEntry entry)
    {
        aggregates.put(aggregateId, entry);
        position = entry.lastPosition();
    }

    void remember(final String commandId, final long firstPosition, final long fingerprint)
    {
        window.remember(IdempotencyWindow.hash(commandId), firstPosition, fingerprint);
    }

    /**
     * Applies one journaled event: checks position and version continuity (a broken one is an invariant failure)
     * and evolves the aggregate.
     *
     * @return the event as decoded.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Object apply(final EventRecord record)
    {
        if (record.position() != position + 1)
        {
            throw new IllegalStateException("journal position " + record.position() + " follows " + position);
        }
        final EventType type = codec.typeOf(record);
        final AggregateModule module = type.module();
        if (!module.aggregateType().equals(record.aggregateType()))
        {
            throw new IllegalStateException("event " + type.name() + " at position " + record.position() +
                " recorded for aggregate type " + record.aggregateType() + " but belongs to " + module.aggregateType());
        }
        final Object event = codec.decode(type, record);
        final AggregateEntry current = aggregates.get(record.aggregateId());
        final long currentVersion = current == null ? 0 : current.version();
        if (current != null && current.module() != module)
        {
            throw new IllegalStateException("aggregate " + record.aggregateId() + " is a " +
                current.module().aggregateType() + " but event at position " + record.position() + " is for " + module.aggregateType());
        }
        if (record.version() != currentVersion + 1)
        {
            throw new IllegalStateException("aggregate " + record.aggregateId() + " version " + record.version() +
                " at position " + record.position() + " follows version " + currentVersion);
        }
        final Object before = current == null ? module.initialState() : current.state();
        final Object after = type.evolveObject(before, event);
        aggregates.put(record.aggregateId(), new AggregateEntry(module, record.version(), record.position(), after));
        if (record.commandId() != null)
        {
            window.remember(IdempotencyWindow.hash(record.commandId()), record.position(), record.commandFingerprint());
        }
        position = record.position();
        return event;
    }

    /**
     * A hash of the whole state: aggregates combined order-independently (map iteration order differs between
     * replicas), the window in FIFO order, and the position. Equal states give equal hashes on every replica.
     */
    public long hash()
    {
        final long windowHash = window.fold(17, (acc, value) -> Hashing.mix(acc * 31 + value));
        return Hashing.mix(aggregatesHash() ^ Hashing.mix(windowHash) ^ Hashing.mix(position));
    }

    /** The aggregates' part of {@link #hash()}: what the read model (which keeps no idempotency window) can match. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    long aggregatesHash()
    {
        long aggregateSum = 0;
        for (final Map.Entry<String, AggregateEntry> e : aggregates.entrySet())
        {
            final AggregateEntry entry = e.getValue();
            stateWriter.reset();
            ((AggregateModule)entry.module()).writeState(entry.state(), stateWriter);
            long h = Hashing.hash(e.getKey());
            h = Hashing.mix(h ^ Hashing.hash(entry.module().aggregateType()));
            h = Hashing.mix(h ^ entry.version());
            h = Hashing.mix(h ^ entry.lastPosition());
            h = Hashing.mix(h ^ Hashing.hash(stateWriter.buffer(), stateWriter.length()));
            aggregateSum += h;
        }
        return Hashing.mix(aggregateSum);
    }

    /** Writes a snapshot body: format version, position, aggregates, window. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void writeSnapshot(final DataOutputStream out) throws IOException
    {
        out.writeInt(SNAPSHOT_BODY_VERSION);
        out.writeLong(position);
        out.writeInt(aggregates.size());
        for (final Map.Entry<String, AggregateEntry> e : aggregates.entrySet())
        {
            final AggregateEntry entry = e.getValue();
            out.writeUTF(e.getKey());
            out.writeUTF(entry.module().aggregateType());
            out.writeLong(entry.version());
            out.writeLong(entry.lastPosition());
            stateWriter.reset();
            ((AggregateModule)entry.module()).writeState(entry.state(), stateWriter);
            out.writeInt(stateWriter.length());
            final byte[] bytes = stateWriter.toByteArray();
            out.write(bytes);
        }
        out.writeInt(window.size());
        window.forEach((hash, first, fingerprint) ->
        {
            out.writeLong(hash);
            out.writeLong(first);
            out.writeLong(fingerprint);
        });
    }

    /**
     * Reads a snapshot body into this state, replacing whatever it held; throws IOException on any mismatch so the
     * store falls back to an older snapshot. Replacing matters: a body that fails part-way has already put some of
     * its aggregates here, and the older snapshot read next must not inherit them.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void readSnapshot(final long containerPosition, final DataInputStream in) throws IOException
    {
        aggregates.clear();
        window.clear();
        position = 0;
        final int bodyVersion = in.readInt();
        if (bodyVersion != SNAPSHOT_BODY_VERSION && bodyVersion != SNAPSHOT_BODY_VERSION_2)
        {
            throw new IOException("unknown snapshot body version " + bodyVersion + " (this build reads " + SNAPSHOT_BODY_VERSION + ")");
        }
        final long bodyPosition = in.readLong();
        if (bodyPosition != containerPosition)
        {
            throw new IOException("snapshot body position " + bodyPosition + " differs from its header's " + containerPosition);
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final String id = in.readUTF();
            final String type = in.readUTF();
            final AggregateModule module = registry.module(type);
            if (module == null)
            {
                throw new IOException("snapshot holds aggregate type " + type + " that no module registers");
            }
            final long version = in.readLong();
            final long lastPosition = in.readLong();
            final byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            final Object state;
            try
            {
                state = module.readState(stateReader.wrap(bytes));
            }
            catch (final RuntimeException ex)
            {
                throw new IOException("cannot read state of " + id + ": " + ex.getMessage(), ex);
            }
            aggregates.put(id, new AggregateEntry(module, version, lastPosition, state));
        }
        final int windowSize = in.readInt();
        for (int i = 0; i < windowSize; i++)
        {
            final long hash = in.readLong();
            final long first = in.readLong();
            window.remember(hash, first, bodyVersion == SNAPSHOT_BODY_VERSION_2 ? 0 : in.readLong());
        }
        position = bodyPosition;
    }
}
