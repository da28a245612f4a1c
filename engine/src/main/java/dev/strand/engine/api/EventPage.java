package dev.strand.engine.api;

import java.util.List;

/**
 * A page of events read from the journal.
 *
 * @param next where the next page starts (a global position for the global log, a version for an aggregate's
 *             events); equal to the request's start when nothing more exists yet.
 */
public record EventPage(List<RecordedEvent> events, long next)
{
}
