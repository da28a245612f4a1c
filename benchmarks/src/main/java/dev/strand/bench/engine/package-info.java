/**
 * JMH benchmarks and in-process harnesses of the engine, written against its public API only
 * ({@code dev.strand.engine.api} and {@code spi.MapFieldReader}): the gated append latency
 * ({@link dev.strand.bench.engine.AppendLatencyBenchmark}), pipeline throughput
 * ({@link dev.strand.bench.engine.EngineThroughputBenchmark}), allocation per command
 * ({@link dev.strand.bench.engine.AllocationBenchmark}), recovery by replay and from a snapshot
 * ({@link dev.strand.bench.engine.RecoveryBenchmark}, {@link dev.strand.bench.engine.SnapshotBenchmark}), memory per
 * account ({@link dev.strand.bench.engine.FootprintHarness}) and the open-loop latency at a fixed rate
 * ({@link dev.strand.bench.engine.OpenLoopHarness}). Threads: the benchmark's own (JMH workers or named producer and
 * pacer threads), which park and never spin; the engine's named threads.
 */
package dev.strand.bench.engine;
