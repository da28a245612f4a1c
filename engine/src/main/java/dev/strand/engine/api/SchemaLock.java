package dev.strand.engine.api;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.EventType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code schemas.lock}: the event schemas journals may hold, one line per aggregate type, event type and schema
 * version: {@code account Deposited 1 <sha256 of the schema's canonical JSON>}; {@code #} starts a comment. Events
 * outlive the build that wrote them, so an event schema may change only with a new schema version whose upcaster reads
 * the old one ({@link #check}); {@link #merge} adds the current versions to a lock.
 */
public final class SchemaLock
{
    /** One locked event schema. */
    public record Entry(String aggregateType, String eventType, int schemaVersion, String sha256)
    {
        String key()
        {
            return aggregateType + ' ' + eventType;
        }

        String line()
        {
            return aggregateType + ' ' + eventType + ' ' + schemaVersion + ' ' + sha256;
        }
    }

    /** What a check found: the problems (empty when compatible), how many entries matched, which were not locked. */
    public record Result(List<String> problems, int matched, List<String> unlocked)
    {
        public boolean compatible()
        {
            return problems.isEmpty();
        }

        /** @return one line: the first problem (and how many more), or what matched. */
        public String summary()
        {
            if (!compatible())
            {
                return problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
            }
            return matched + " locked event schemas compatible" + (unlocked.isEmpty() ? "" :
                "; not locked yet: " + String.join(", ", unlocked) + " (strand schema lock adds them)");
        }
    }

    private SchemaLock()
    {
    }

    /**
     * @param text the lock file's text.
     * @return its entries, in file order.
     * @throws IllegalArgumentException naming the line that is not an entry.
     */
    public static List<Entry> parse(final String text)
    {
        final List<Entry> entries = new ArrayList<>();
        final String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] parts = line.split("\\s+");
            if (parts.length != 4 || !parts[2].matches("[1-9][0-9]{0,8}") || !parts[3].matches("[0-9a-f]{64}"))
            {
                throw new IllegalArgumentException("line " + (i + 1) + " is not '<aggregate type> <event type> " +
                    "<schema version> <sha256>': " + line);
            }
            entries.add(new Entry(parts[0], parts[1], Integer.parseInt(parts[2]), parts[3]));
        }
        return entries;
    }

    /** @return the current schema version of every event type of the modules, as lock entries. */
    public static List<Entry> current(final SchemaCatalog catalog)
    {
        final List<Entry> entries = new ArrayList<>();
        for (final AggregateModule<?> module : catalog.modules())
        {
            for (final EventType<?, ?> event : module.eventTypes())
            {
                entries.add(new Entry(module.aggregateType(), event.name(), event.schemaVersion(),
                    SchemaCatalog.fingerprint(SchemaCatalog.schema(event.schema()))));
            }
        }
        return entries;
    }

    /**
     * Every locked entry must still be readable: the same schema at the current version, or an older version the
     * event type upcasts from. A locked event type that is gone is a problem too (journals may hold it).
     */
    public static Result check(final SchemaCatalog catalog, final List<Entry> locked)
    {
        final Map<String, EventType<?, ?>> events = new TreeMap<>();
        for (final AggregateModule<?> module : catalog.modules())
        {
            for (final EventType<?, ?> event : module.eventTypes())
            {
                events.put(module.aggregateType() + ' ' + event.name(), event);
            }
        }
        final Map<String, Entry> now = new TreeMap<>();
        for (final Entry e : current(catalog))
        {
            now.put(e.key(), e);
        }
        final List<String> problems = new ArrayList<>();
        int matched = 0;
        final java.util.Set<String> lockedKeys = new java.util.HashSet<>();
        for (final Entry e : locked)
        {
            lockedKeys.add(e.key());
            final EventType<?, ?> event = events.get(e.key());
            final String name = e.aggregateType() + "/" + e.eventType() + " v" + e.schemaVersion();
            if (event == null)
            {
                problems.add("event type " + e.aggregateType() + "/" + e.eventType() + " is in schemas.lock but no " +
                    "module registers it: journals holding it could not be read");
            }
            else if (e.schemaVersion() == event.schemaVersion())
            {
                if (e.sha256().equals(now.get(e.key()).sha256()))
                {
                    matched++;
                }
                else
                {
                    problems.add("event schema " + name + " changed without a new schema version and upcaster " +
                        "(schemas.lock " + e.sha256().substring(0, 12) + ", derived now " +
                        now.get(e.key()).sha256().substring(0, 12) + ")");
                }
            }
            else if (e.schemaVersion() > event.schemaVersion())
            {
                problems.add("event schema " + name + " is in schemas.lock but the module is at v" +
                    event.schemaVersion());
            }
            else if (event.decoderFor(e.schemaVersion()) == null)
            {
                problems.add("event schema " + name + " has no upcaster to v" + event.schemaVersion());
            }
            else
            {
                matched++;
            }
        }
        final List<String> unlocked = new ArrayList<>();
        for (final Entry e : now.values())
        {
            if (!lockedKeys.contains(e.key()) ||
                locked.stream().noneMatch(l -> l.key().equals(e.key()) && l.schemaVersion() == e.schemaVersion()))
            {
                unlocked.add(e.aggregateType() + "/" + e.eventType() + " v" + e.schemaVersion());
            }
        }
        return new Result(List.copyOf(problems), matched, List.copyOf(unlocked));
    }

    /**
     * @return the lock's text with the current versions added (old versions are kept: journals still hold them).
     * @throws IllegalStateException when the lock is not compatible ({@link #check}): a lock is never rewritten over
     *                               a changed schema.
     */
    public static String merge(final SchemaCatalog catalog, final List<Entry> locked)
    {
        final Result result = check(catalog, locked);
        if (!result.compatible())
        {
            throw new IllegalStateException(result.summary());
        }
        final Map<String, Entry> all = new TreeMap<>();
        for (final Entry e : locked)
        {
            all.put(e.key() + ' ' + String.format("%09d", e.schemaVersion()), e);
        }
        for (final Entry e : current(catalog))
        {
            all.put(e.key() + ' ' + String.format("%09d", e.schemaVersion()), e);
        }
        final StringBuilder out = new StringBuilder("# strand schemas.lock: the event schemas journals may hold " +
            "(aggregate type, event type, schema version, SHA-256 of its JSON Schema).\n# Checked by 'strand schema " +
            "check'; extended by 'strand schema lock'. Never edit a line: add a schema version and an upcaster.\n");
        for (final Entry e : all.values())
        {
            out.append(e.line()).append('\n');
        }
        return out.toString();
    }
}
