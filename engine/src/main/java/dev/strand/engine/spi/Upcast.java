package dev.strand.engine.spi;

/**
 * Turns an event of one schema version into the next: a plain, pure function from the old record to the new one.
 * Chained by {@link EventVersions} (v1 to v2 to v3 ...), so each step only knows the two versions it joins.
 *
 * @param <O> the older version's record (it describes that version's stored layout).
 * @param <N> the next version's record.
 */
@FunctionalInterface
public interface Upcast<O, N>
{
    N upcast(O old);
}
