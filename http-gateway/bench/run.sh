#!/usr/bin/env bash
# Throughput of the gateway against the bare Vert.x baseline, same machine, same wrk command.
#   http-gateway/bench/run.sh [seconds]      (build first: mvn -q -DskipTests package)
# Starts strand.jar on a temp data dir (port 18181) and the benchmarks module's BareVertxServer (port 18182), opens
# the accounts, runs wrk -t1 -c64 against POST /commands on both, then batches of 100 against the gateway.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-20}"
root="$(cd ../.. && pwd)"
jar="$root/http-gateway/target/strand.jar"
bench="$root/benchmarks/target/strand-bench.jar"
data="$(mktemp -d)"
gw_port=18181
bare_port=18182
accounts=64
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$data"; }
trap cleanup EXIT

java -jar "$jar" --port "$gw_port" --data-dir "$data" --min-free-bytes 0 > "$data/gateway.log" 2>&1 & pids+=($!)
if [ -f "$bench" ]; then
  java -cp "$bench" dev.strand.bench.baseline.BareVertxServer "$bare_port" 2 > "$data/bare.log" 2>&1 & pids+=($!)
fi
for _ in $(seq 1 100); do curl -sf "localhost:$gw_port/health/ready" >/dev/null && break; sleep 0.2; done
if [ -f "$bench" ]; then
  for _ in $(seq 1 100); do curl -sf "localhost:$bare_port/health/ready" >/dev/null && break; sleep 0.2; done
fi
for i in $(seq 0 $((accounts - 1))); do
  curl -sf "localhost:$gw_port/commands" -H 'Content-Type: application/json' \
    -d "{\"type\":\"OpenAccount\",\"aggregateId\":\"bench-$i\"}" >/dev/null
done

echo "== gateway POST /commands (wrk -t1 -c64 -d${secs}s)"
ACCOUNTS=$accounts wrk -t1 -c64 -d"${secs}s" --latency -s deposit.lua "http://127.0.0.1:$gw_port/commands"
if [ -f "$bench" ]; then
  echo "== bare Vert.x baseline POST /commands (wrk -t1 -c64 -d${secs}s)"
  ACCOUNTS=$accounts wrk -t1 -c64 -d"${secs}s" --latency -s deposit.lua "http://127.0.0.1:$bare_port/commands"
fi
echo "== gateway POST /commands/batch, 100 commands each (wrk -t1 -c16 -d${secs}s)"
ACCOUNTS=$accounts wrk -t1 -c16 -d"${secs}s" --latency -s batch100.lua "http://127.0.0.1:$gw_port/commands/batch"
curl -s "localhost:$gw_port/metrics" |
  grep -E '^strand_(commands_total|append_latency_seconds_(count|sum|bucket\{le="(0\.001|0\.005|0\.01|0\.1|\+Inf)"))' || true
