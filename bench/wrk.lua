-- wrk script of bench/run. Environment:
--   BENCH_METHOD (GET), BENCH_PATH (may contain {id}), BENCH_BODY, BENCH_IDS (a file of ids, one a line, each
--   used once: thread t of BENCH_THREADS takes lines t, t+n, ...), BENCH_THREADS (= wrk -t).
-- Prints one line "BENCH requests=... non2xx=... errors=... seconds=... p50_ms=... p99_ms=... exhausted=..."
-- (non2xx: responses with status >= 400 as wrk counts them; only the others are counted as done).
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") -- default: the path of the URL given to wrk
local body = os.getenv("BENCH_BODY")
local idfile = os.getenv("BENCH_IDS")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")

local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local ids = nil
local n = 0
exhausted = 0
function init(args)
  if idfile and idfile ~= "" then
    ids = {}
    local i = 0
    for line in io.lines(idfile) do
      if line ~= "" then
        if i % nthreads == tid then ids[#ids + 1] = line end
        i = i + 1
      end
    end
  end
end

function request()
  local p = path or wrk.path
  if ids then
    n = n + 1
    local id = ids[n]
    if id == nil then
      exhausted = 1
      id = ids[#ids]
    end
    p = string.gsub(path, "{id}", id)
  end
  return wrk.format(method, p, nil, body)
end

function done(summary, latency, requests)
  local ex = 0
  for _, t in ipairs(threads) do
    if t:get("exhausted") == 1 then ex = 1 end
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d non2xx=%d errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f exhausted=%d\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, ex))
end
