-- wrk -t1 -c64 -d20s -s deposit.lua http://127.0.0.1:8080/commands
-- Posts a Deposit of 1 to one of ACCOUNTS accounts (open them first: see run.sh). No commandId: the server
-- generates one, so every request is a new command.
local accounts = tonumber(os.getenv("ACCOUNTS") or "64")
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  local body = '{"type":"Deposit","aggregateId":"bench-' .. (n % accounts) .. '","data":{"amount":1}}'
  return wrk.format(nil, nil, nil, body)
end
