-- wrk -t1 -c64 -d10s -s benchmarks/wrk/deposit.lua http://127.0.0.1:8080/commands
-- POSTs a Deposit of 1 to one of ACCOUNTS accounts named PREFIX0..PREFIX(ACCOUNTS-1) (open them first; the bare
-- Vert.x baseline needs none). No commandId: every request is a new command. At the end one machine-readable line:
--   WRK_RESULT rps=<requests/s> p50_us=.. p90_us=.. p99_us=.. max_us=.. requests=.. non2xx=.. socket_errors=..
-- wrk is closed-loop (each connection waits for its answer): its latencies are not corrected for coordinated
-- omission; use it for throughput and strand-bench for latency at a fixed rate.
local accounts = tonumber(os.getenv("ACCOUNTS") or "1000")
local prefix = os.getenv("PREFIX") or "wrk-"
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("API_KEY") then
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("API_KEY")
end

request = function()
  n = n + 1
  local body = '{"type":"Deposit","aggregateId":"' .. prefix .. (n % accounts) .. '","data":{"amount":1}}'
  return wrk.format(nil, nil, nil, body)
end

local non2xx = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
