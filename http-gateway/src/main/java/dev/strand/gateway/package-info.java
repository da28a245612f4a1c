/**
 * The runnable server: {@link dev.strand.gateway.Main}, its settings ({@link dev.strand.gateway.GatewayConfig}) and
 * the lifecycle of engine, Vert.x and HTTP verticles ({@link dev.strand.gateway.Gateway}).
 */
package dev.strand.gateway;
