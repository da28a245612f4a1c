package dev.strand.engine.spi;

/**
 * Folds one event into one row of a projection. Pure: it reads only its arguments (no clock, no random source, no
 * hash-map iteration order), so a rebuild from the journal's start gives the same rows.
 *
 * @param <R> the row record.
 * @param <E> the event record.
 */
@FunctionalInterface
public interface ProjectionFold<R extends Record, E extends Record>
{
    /**
     * @param row   the row at the event's key, or null when there is none yet.
     * @param event the event, decoded (and upcast) as its module reads it.
     * @param meta  the event's journal metadata.
     * @return the new row, or null to delete the row.
     */
    R fold(R row, E event, EventMeta meta);
}
