/**
 * The engine's implementation: the Disruptor pipeline (single writer fused with the journal stage, then completion),
 * the state replicas (writer, read model, snapshotter), the subscription hub and recovery. Internal: only
 * {@link dev.strand.engine.core.StrandEngine#start} is reached from the API.
 */
package dev.strand.engine.core;
