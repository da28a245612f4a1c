-- wrk -t1 -c16 -d20s -s batch100.lua http://127.0.0.1:8080/commands/batch
-- Posts non-atomic batches of 100 Deposits spread over ACCOUNTS accounts. Commands per second = requests/s x 100.
local accounts = tonumber(os.getenv("ACCOUNTS") or "64")
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  local parts = {}
  for i = 1, 100 do
    n = n + 1
    parts[i] = '{"type":"Deposit","aggregateId":"bench-' .. (n % accounts) .. '","data":{"amount":1}}'
  end
  return wrk.format(nil, nil, nil, '{"atomic":false,"commands":[' .. table.concat(parts, ",") .. ']}')
end
