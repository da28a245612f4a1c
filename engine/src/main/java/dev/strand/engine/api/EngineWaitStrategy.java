package dev.strand.engine.api;

/**
 * How the engine's threads wait for work on the command ring. Measured on 2 cores: {@link #BLOCKING} gives the best
 * latency at rest and no idle CPU; the spinning ones burn a core each when idle (docs/architecture.md).
 */
public enum EngineWaitStrategy
{
    /** Parks on a lock and condition until signalled: no CPU when idle (the default). */
    BLOCKING,
    /** Like {@link #BLOCKING}, but skips the signal when nobody waits: a little cheaper under load. */
    LITE_BLOCKING,
    /** Spins, then yields: low latency, a core busy while idle. */
    YIELDING,
    /** Spins, yields, then sleeps briefly: modest CPU when idle, higher latency after a pause. */
    SLEEPING,
    /** Spins 10 µs, yields up to 100 µs, then blocks: a compromise between latency and idle CPU. */
    PHASED
}
