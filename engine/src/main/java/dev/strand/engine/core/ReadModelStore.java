package dev.strand.engine.core;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The read model's aggregates: one concurrent map of holders, each with the current (immutable) entry and the
 * aggregate's version-to-position index. One writer (the {@code read-model} thread) updates a holder in place, so an
 * event costs one map lookup (usually served from the last-holder cache) instead of a get, a put and an index
 * lookup; readers on any thread see a consistent entry through the volatile field.
 */
final class ReadModelStore extends AbstractMap<String, AggregateEntry>
{
    /** Per aggregate: the latest entry and its event positions. */
    static final class Holder
    {
        final LongIndex positions = new LongIndex();
        /** The version of the event at {@code positions.get(0)}: above 1 when older events were archived. */
        volatile long firstVersion = 1;
        volatile AggregateEntry entry;
    }

    private final ConcurrentHashMap<String, Holder> holders = new ConcurrentHashMap<>();
    private String lastId;
    private Holder lastHolder;

    /** Writer thread: the holder of {@code aggregateId}, created when missing. */
    Holder holder(final String aggregateId)
    {
        if (aggregateId.equals(lastId))
        {
            return lastHolder;
        }
        Holder holder = holders.get(aggregateId);
        if (holder == null)
        {
            holder = new Holder();
            holders.put(aggregateId, holder);
        }
        lastId = aggregateId;
        lastHolder = holder;
        return holder;
    }

    /**
     * Writer thread, before the replica starts, when older events were archived: an aggregate whose events all lie
     * before the journal's first position has none indexed; its index starts after its current version.
     */
    void markUnindexed()
    {
        for (final Holder holder : holders.values())
        {
            if (holder.positions.size() == 0 && holder.entry != null)
            {
                holder.firstVersion = holder.entry.version() + 1;
            }
        }
    }

    /** Any thread. */
    Holder find(final String aggregateId)
    {
        return holders.get(aggregateId);
    }

    @Override
    public AggregateEntry get(final Object key)
    {
        final String id = (String)key;
        if (id.equals(lastId))
        {
            return lastHolder.entry;
        }
        final Holder holder = holders.get(id);
        return holder == null ? null : holder.entry;
    }

    @Override
    public AggregateEntry put(final String key, final AggregateEntry value)
    {
        final Holder holder = holder(key);
        final AggregateEntry previous = holder.entry;
        holder.entry = value;
        return previous;
    }

    /** Before the replica starts (a snapshot being loaded): AbstractMap's clear would only clear a copy. */
    @Override
    public void clear()
    {
        holders.clear();
        lastId = null;
        lastHolder = null;
    }

    @Override
    public int size()
    {
        return (int)holders.values().stream().filter(h -> h.entry != null).count();
    }

    @Override
    public Set<Map.Entry<String, AggregateEntry>> entrySet()
    {
        return holders.entrySet().stream()
            .filter(e -> e.getValue().entry != null)
            .map(e -> Map.entry(e.getKey(), e.getValue().entry))
            .collect(Collectors.toSet());
    }
}
