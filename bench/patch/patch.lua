-- wrk script for the PATCH benchmark (bench/patch/run.sh): PATCH /admin/citizens/{id} {"currentResidence": ...} for random
-- IDs from PATCH_IDS (one per line) with the operator key PATCH_KEY, no If-Match (every request is a change that applies).
-- Prints "acked=N non2xx=M" after wrk's summary so a run that "went fast" by failing is visible. With PATCH_ORDER=file
-- the IDs are taken in file order instead (thread k of PATCH_THREADS, default 2, takes the k-th, (k+n)-th, ...): the
-- warm-up that activates every citizen once.
local threads = {}
local ids = {}
local counter = 0
non2xx = 0
acked = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads - 1)
end

function init(args)
  for line in io.lines(os.getenv("PATCH_IDS")) do
    table.insert(ids, line)
  end
  math.randomseed(os.time() + #threads * 7919 + math.floor(os.clock() * 1000000))
  wrk.method = "PATCH"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("PATCH_KEY")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id
  if os.getenv("PATCH_ORDER") == "file" then
    local n = tonumber(os.getenv("PATCH_THREADS") or "2")
    id = ids[((counter - 1) * n + index) % #ids + 1]
  else
    id = ids[math.random(#ids)]
  end
  local body = string.format('{"currentResidence":"Số %d ngõ %d phố Huế, Hai Bà Trưng, Hà Nội"}', counter, math.random(999))
  return wrk.format(nil, "/admin/citizens/" .. id, nil, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    acked = acked + 1
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local a, n = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    n = n + t:get("non2xx")
  end
  io.write(string.format("acked=%d non2xx=%d\n", a, n))
end
