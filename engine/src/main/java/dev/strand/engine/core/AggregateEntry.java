package dev.strand.engine.core;

import dev.strand.engine.spi.AggregateModule;

/**
 * One aggregate's state at one version: immutable, so a reader on another thread sees a consistent entry.
 *
 * @param lastPosition global position of the aggregate's last event.
 */
record AggregateEntry(AggregateModule<?> module, long version, long lastPosition, Object state)
{
}
