/**
 * The open-loop HTTP load generator ({@code strand-bench.jar}, entry point {@link dev.strand.bench.load.LoadMain}):
 * requests at their intended times on a fixed-rate schedule ({@link dev.strand.bench.load.FixedRateSchedule}),
 * latency from the intended time into HdrHistogram recorders with interval logs
 * ({@link dev.strand.bench.load.LatencySeries}), errors counted apart ({@link dev.strand.bench.load.RunCounters}),
 * WebSocket subscribers measuring ack-to-arrival lag ({@link dev.strand.bench.load.WsSubscriber}), reports as text,
 * .hgrm/.hlog and a self-contained HTML page ({@link dev.strand.bench.load.Reports},
 * {@link dev.strand.bench.load.HtmlReport}), and the capacity sweep ({@link dev.strand.bench.load.Sweep}).
 * Threads: {@code load-scheduler} (the calling thread during a run; parks until the next send is due),
 * {@code load-reporter} (rolls histogram intervals, prints progress) and Vert.x event loops for the HTTP and
 * WebSocket clients.
 */
package dev.strand.bench.load;
