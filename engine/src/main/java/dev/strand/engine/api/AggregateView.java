package dev.strand.engine.api;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.FieldWriter;

/**
 * An aggregate's state as the read side (or a temporal query) sees it.
 *
 * @param position the global position of the aggregate's last event included in this view.
 */
public record AggregateView(String aggregateId, AggregateModule<?> module, long version, long position, Object state)
{
    public String aggregateType()
    {
        return module.aggregateType();
    }

    /** Writes the state's fields. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void writeState(final FieldWriter out)
    {
        ((AggregateModule)module).writeState(state, out);
    }
}
