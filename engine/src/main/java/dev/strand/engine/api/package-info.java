/**
 * The engine's public API: {@link dev.strand.engine.api.Engine} and the values that cross it (commands, results,
 * rejections, events, views, configuration, metrics). The gateway and the benchmarks use only this package and
 * {@code spi}.
 */
package dev.strand.engine.api;
