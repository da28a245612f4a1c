/**
 * The cluster driver: the engine's deterministic core run as an Aeron Cluster (Raft) clustered service
 * ({@link dev.strand.cluster.StrandClusteredService}), one member's processes ({@link dev.strand.cluster.ClusterNode}),
 * the client that sends commands to the leader ({@link dev.strand.cluster.ClusterClient}) and the wire formats of
 * commands and replies. See docs/cluster.md.
 */
package dev.strand.cluster;
