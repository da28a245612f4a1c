package dev.strand.engine.core;

import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.EventPage;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.EventType;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalArchivedException;
import dev.strand.journal.JournalReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads answered from the journal itself, on the caller's thread (blocking: call off event loops): temporal queries,
 * an aggregate's events, the global log. The read model's per-aggregate position index says where to look. One
 * journal reader per querying thread.
 */
final class JournalQueries implements AutoCloseable
{
    private final Journal journal;
    private final ReadModel readModel;
    private final ModuleRegistry registry;
    private final ThreadLocal<Reader> readers;
    private final List<JournalReader> allReaders = new ArrayList<>();

    JournalQueries(final Journal journal, final ReadModel readModel, final ModuleRegistry registry)
    {
        this.journal = journal;
        this.readModel = readModel;
        this.registry = registry;
        this.readers = ThreadLocal.withInitial(this::newReader);
    }

    private Reader newReader()
    {
        final Reader r = new Reader(journal.newReader(), new EventCodec(registry));
        synchronized (allReaders)
        {
            allReaders.add(r.reader);
        }
        return r;
    }

    /** The aggregate after its version {@code atVersion} (>= 1) or as of position {@code atPosition} (>= 1). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Optional<AggregateView> aggregateAt(final String aggregateId, final long atVersion, final long atPosition)
    {
        final LongIndex positions = readModel.positions(aggregateId);
        if (positions == null)
        {
            return Optional.empty();
        }
        requireUnarchived(aggregateId, readModel.firstVersion(aggregateId), positions, "its state then");
        final int known = positions.size();
        int upTo = known;
        if (atVersion >= 1)
        {
            if (atVersion > known)
            {
                return Optional.empty();
            }
            upTo = (int)atVersion;
        }
        if (atPosition >= 1)
        {
            upTo = countAtOrBelow(positions, upTo, atPosition);
        }
        if (upTo == 0)
        {
            return Optional.empty();
        }
        final Reader r = readers.get();
        AggregateModule module = null;
        Object state = null;
        long lastPosition = 0;
        for (int i = 0; i < upTo; i++)
        {
            final RecordedEvent event = r.read(positions.get(i));
            if (module == null)
            {
                module = event.type().module();
                state = module.initialState();
            }
            state = ((EventType)event.type()).evolveObject(state, event.data());
            lastPosition = event.position();
        }
        return Optional.of(new AggregateView(aggregateId, module, upTo, lastPosition, state));
    }

    /**
     * A temporal query folds an aggregate's events from its first version, and an event page reads them: when the
     * first of them is archived, it says so (with the journal's first position) rather than answer from what is left.
     */
    private void requireUnarchived(final String aggregateId, final long firstVersion, final LongIndex positions,
        final String what)
    {
        if (firstVersion > 1 || (positions.size() > 0 && positions.get(0) < journal.firstPosition()))
        {
            throw archived(aggregateId, what);
        }
    }

    private JournalArchivedException archived(final String aggregateId, final String what)
    {
        final long first = journal.firstPosition();
        return new JournalArchivedException("aggregate " + aggregateId + "'s events before position " + first +
            " are archived, and " + what + " needs them", first - 1, first);
    }

    /** Binary search: how many of the first {@code upTo} positions are at or below {@code atPosition}. */
    private static int countAtOrBelow(final LongIndex positions, final int upTo, final long atPosition)
    {
        int lo = 0;
        int hi = upTo;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (positions.get(mid) <= atPosition)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    EventPage aggregateEvents(final String aggregateId, final long fromVersion, final int limit)
    {
        final long from = Math.max(1, fromVersion);
        final LongIndex positions = readModel.positions(aggregateId);
        if (positions == null)
        {
            return new EventPage(List.of(), from);
        }
        final long firstVersion = readModel.firstVersion(aggregateId);
        final long startIndex = from - firstVersion;
        if (startIndex < 0 || startIndex < positions.size() && positions.get((int)startIndex) < journal.firstPosition())
        {
            throw archived(aggregateId, "its events from version " + from);
        }
        final long known = firstVersion - 1 + positions.size();
        final Reader r = readers.get();
        final List<RecordedEvent> events = new ArrayList<>();
        long version = from;
        while (version <= known && events.size() < limit)
        {
            events.add(r.read(positions.get((int)(version - firstVersion))));
            version++;
        }
        return new EventPage(List.copyOf(events), version);
    }

    EventPage readEvents(final long fromPosition, final int limit, final EventFilter filter, final int maxScan)
    {
        final long from = Math.max(1, fromPosition);
        final Reader r = readers.get();
        final List<RecordedEvent> events = new ArrayList<>();
        if (from > journal.lastPosition() || !r.reader.seek(from))
        {
            return new EventPage(List.of(), from);
        }
        long next = from;
        int scanned = 0;
        final EventFilter f = filter == null ? EventFilter.ALL : filter;
        while (events.size() < limit && scanned < maxScan && r.reader.next(r.record))
        {
            scanned++;
            next = r.record.position() + 1;
            if (f.matches(r.record.aggregateId(), r.record.aggregateType(), r.record.eventType()))
            {
                events.add(r.codec.toRecorded(r.record));
            }
        }
        return new EventPage(List.copyOf(events), next);
    }

    @Override
    public void close()
    {
        synchronized (allReaders)
        {
            allReaders.forEach(JournalReader::close);
        }
    }

    /** A journal reader and decoder per querying thread. */
    private static final class Reader
    {
        final JournalReader reader;
        final EventCodec codec;
        final EventRecord record = new EventRecord();

        Reader(final JournalReader reader, final EventCodec codec)
        {
            this.reader = reader;
            this.codec = codec;
        }

        RecordedEvent read(final long position)
        {
            if (!reader.seek(position) || !reader.next(record))
            {
                throw new IllegalStateException("event at position " + position + " cannot be read from the journal");
            }
            return codec.toRecorded(record);
        }
    }
}
