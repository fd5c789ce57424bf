-- wrk script for the inbox benchmark (bench/federation.py, scenario
-- inbox): POSTs pre-signed activities read from a file, each once.
-- Arguments (after --): REQUESTS_FILE OUT_JSON
-- REQUESTS_FILE: records "PATH\n" "N_HEADERS\n" then N "Name: value\n"
-- lines, then "BODY_LENGTH\n" and the body, then "\n".
local reqs, i = {}, 0

local function load(path)
  local f = assert(io.open(path, "rb"))
  local t = {}
  while true do
    local p = f:read("l")
    if not p then break end
    local nh = tonumber(f:read("l"))
    local h = {}
    for _ = 1, nh do
      local line = f:read("l")
      local k, v = line:match("^([^:]+): (.*)$")
      h[k] = v
    end
    local n = tonumber(f:read("l"))
    local body = f:read(n)
    f:read("l")
    t[#t + 1] = wrk.format("POST", p, h, body)
  end
  f:close()
  return t
end

function init(args)
  reqs = load(args[1])
  -- each thread takes every other request, so no activity is sent twice
  i = tonumber(wrk.thread:get("offset") or 0)
end

function setup(thread)
  local n = (counter or 0)
  thread:set("offset", n)
  counter = n + 1
end

function request()
  i = i + 2
  if i > #reqs then
    wrk.thread:stop()
    return wrk.format("GET", "/api/v1/instance")
  end
  return reqs[i]
end

function done(summary, latency, requests)
  local f = io.open(os.getenv("WRK_OUT"), "w")
  f:write(string.format('{"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.3f, ' ..
    '"p99_ms": %.3f, "non_2xx": %d}\n', summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
  f:close()
end
