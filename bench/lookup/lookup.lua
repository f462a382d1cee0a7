-- wrk script for the lookup benchmark (bench/lookup/run.sh).
--
--   LOOKUP_MODE=lookup LOOKUP_IDS=ids.txt LOOKUP_KEY=key wrk -t2 -c64 -d20s -s lookup.lua http://127.0.0.1:5391
--       POST /v1/lookups for random IDs from LOOKUP_IDS (one per line), five fields, purpose kyc, Bearer LOOKUP_KEY.
--   LOOKUP_MODE=batch ...    POST /v1/lookups/batch: 100 random IDs per request, the same five fields and purpose.
--   LOOKUP_MODE=verify ...   POST /v1/verifications: a fullName claim and a minimumAge predicate for a random ID.
--   LOOKUP_MODE=agency ...   GET /v1/agency: the agency API's pipeline (key, quota, JSON) without a citizen (the hub only).
--   LOOKUP_MODE=constant wrk -t2 -c64 -d20s -s lookup.lua http://127.0.0.1:5392
--       GET /constant: the machine's ceiling for Kestrel answering with no work.
--
-- Either mode counts answers outside 2xx per status and prints them after wrk's summary as "non2xx=N (status:count ...)",
-- so a run that "went fast" by failing is visible. Settings come from the environment because wrk passes script
-- arguments only after "--", which is easy to get wrong in a shell script.

local mode = os.getenv("LOOKUP_MODE") or "lookup"
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local requests = {}
local counts = {}   -- status -> count of non-2xx answers in this thread
non2xx = 0          -- global so done() can read it through thread:get

local fields = '"fields":["fullName","dateOfBirth","sex","permanentResidence","residenceProvince"]'

function init(args)
  counts = {}
  if mode == "constant" then
    return
  end
  local file = os.getenv("LOOKUP_IDS") or error("LOOKUP_IDS must name a file of citizen IDs")
  local key = os.getenv("LOOKUP_KEY") or error("LOOKUP_KEY must hold the agency key")
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
  -- Every request is formatted once up front: building them per request would spend wrk's CPU, on a machine where
  -- the client shares the cores with the server.
  local ids = {}
  for id in io.lines(file) do
    if #id > 0 then ids[#ids + 1] = id end
  end
  math.randomseed(42 + (tid or 0))
  if mode == "agency" then
    requests[1] = wrk.format("GET", "/v1/agency", { ["Authorization"] = "Bearer " .. key }, nil)
  elseif mode == "batch" then
    -- 2,000 different batches of 100 distinct random IDs, formatted once.
    for b = 1, math.min(2000, math.max(1, math.floor(#ids / 10))) do
      local picked, seen = {}, {}
      while #picked < math.min(100, #ids) do
        local id = ids[math.random(#ids)]
        if not seen[id] then seen[id] = true; picked[#picked + 1] = '"' .. id .. '"' end
      end
      local body = '{"citizenIds":[' .. table.concat(picked, ",") .. '],' .. fields .. ',"purpose":"kyc"}'
      requests[#requests + 1] = wrk.format("POST", "/v1/lookups/batch", headers, body)
    end
  else
    for _, id in ipairs(ids) do
      if mode == "verify" then
        local body = '{"citizenId":"' .. id .. '","purpose":"kyc","claims":{"fullName":"Nguyễn Văn An"},"predicates":{"minimumAge":18}}'
        requests[#requests + 1] = wrk.format("POST", "/v1/verifications", headers, body)
      else
        local body = '{"citizenId":"' .. id .. '",' .. fields .. ',"purpose":"kyc"}'
        requests[#requests + 1] = wrk.format("POST", "/v1/lookups", headers, body)
      end
    end
  end
  if #requests == 0 then
    error("no IDs in " .. file)
  end
end

if mode == "constant" then
  wrk.method = "GET"
  wrk.path = "/constant"
else
  function request()
    return requests[math.random(#requests)]
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    counts[status] = (counts[status] or 0) + 1
    -- thread:get only copies plain values, so the per-status table travels as a string.
    local parts = {}
    for s, n in pairs(counts) do parts[#parts + 1] = s .. ":" .. n end
    by_status = table.concat(parts, " ")
  end
end

function done(summary, latency, requests)
  local total, by_status = 0, {}
  for _, thread in ipairs(threads) do
    total = total + (thread:get("non2xx") or 0)
    for status, n in string.gmatch(thread:get("by_status") or "", "(%d+):(%d+)") do
      by_status[status] = (by_status[status] or 0) + tonumber(n)
    end
  end
  local statuses = {}
  for status, n in pairs(by_status) do statuses[#statuses + 1] = status .. ":" .. n end
  io.write(string.format("non2xx=%d (%s)\n", total, table.concat(statuses, " ")))
  -- One machine-readable line for run.sh: requests/s and latency percentiles in milliseconds.
  io.write(string.format("summary rps=%.0f p50_ms=%.2f p99_ms=%.2f socket_errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, total))
end
