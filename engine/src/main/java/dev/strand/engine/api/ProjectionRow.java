package dev.strand.engine.api;

import dev.strand.engine.spi.FieldWriter;
import dev.strand.engine.spi.RecordCodec;

/**
 * One row of a projection, with the position the projection had applied when it was read.
 *
 * @param projection the projection's name.
 * @param key        the row's key.
 * @param position   the projection's position.
 * @param row        the row record.
 * @param codec      the row record's codec.
 */
public record ProjectionRow(String projection, String key, long position, Record row, RecordCodec<?> codec)
{
    /** Writes the row's fields (JSON on the wire), by the same derived codec its checkpoint uses. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void writeRow(final FieldWriter out)
    {
        ((RecordCodec)codec).write(row, out);
    }
}
