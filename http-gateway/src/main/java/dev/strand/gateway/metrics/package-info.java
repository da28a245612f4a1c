/** The engine's figures as Prometheus metrics, beside Vert.x's own (vertx-micrometer-metrics). */
package dev.strand.gateway.metrics;
