/**
 * Baselines measured in the same runs as Strand's figures, so every figure has a ratio to a physical limit of this
 * machine: raw Chronicle Queue appends of a journaled Deposit's size ({@link dev.strand.bench.baseline.ChronicleAppendBaseline}),
 * a raw Disruptor hand-off with the engine's producer type and wait strategy
 * ({@link dev.strand.bench.baseline.DisruptorHandoffBaseline}), and a bare Vert.x 5 HTTP server that parses the same
 * JSON as a Deposit command ({@link dev.strand.bench.baseline.BareVertxServer}) to compare the gateway with.
 */
package dev.strand.bench.baseline;
