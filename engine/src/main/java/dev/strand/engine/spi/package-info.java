/**
 * The aggregate SPI users implement, found with {@link java.util.ServiceLoader}. SPI v2:
 * {@link dev.strand.engine.spi.RecordModule} (state, commands and events as records; codecs derived by
 * {@link dev.strand.engine.spi.RecordCodec}; {@link dev.strand.engine.spi.Decider}s returning
 * {@link dev.strand.engine.spi.Decision}s that may read and change aggregates of every type; schema versions chained
 * by {@link dev.strand.engine.spi.EventVersions}). SPI v1, still supported: {@link dev.strand.engine.spi.AggregateModule}
 * with hand-written codecs over {@link dev.strand.engine.spi.FieldReader}/{@link dev.strand.engine.spi.FieldWriter} and
 * {@link dev.strand.engine.spi.CommandHandler}s that emit into their context.
 */
package dev.strand.engine.spi;
