/**
 * The aggregate SPI users implement: {@link dev.strand.engine.spi.AggregateModule} with its command types
 * ({@code decide}) and event types ({@code evolve}, codecs, upcasters), found with {@link java.util.ServiceLoader}.
 */
package dev.strand.engine.spi;
