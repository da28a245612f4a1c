/**
 * The HTTP and WebSocket contract of docs/api.md over the engine's public API: routes, JSON codec, RFC 9457 problems,
 * API keys, connection limits and WebSocket subscribers. Engine callbacks hop to the request's Vert.x context.
 */
package dev.strand.gateway.http;
