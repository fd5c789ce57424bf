-- wrk script for the probe that runs beside the burst: one connection
-- reading a home timeline every ~10 ms until wrk is interrupted.
-- Arguments (after --): TOKENS_FILE
-- done() writes the longest wait (max_ms) to the file named by WRK_OUT.

local token = nil

function init(args)
  for line in io.lines(args[1]) do
    token = line:match("^%d+\t[^\t]+\t([^\t]+)")
    if token then break end
  end
end

function request()
  return wrk.format("GET", "/api/v1/timelines/home?limit=40",
    {["Authorization"] = "Bearer " .. token})
end

function delay()
  return 10
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = io.open(os.getenv("WRK_OUT"), "w")
  f:write(string.format(
    '{"name": "probe", "requests": %d, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"errors": %d, "non_2xx": %d}\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
  f:close()
end
