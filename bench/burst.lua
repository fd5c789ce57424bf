-- wrk script for the burst scenario: statuses posted as fast as the
-- connections allow until each thread has had PER_THREAD answers; then the
-- thread stops and adds a line to DONE_FILE (make bench: 2 threads x 1,000
-- = 2,000 posts; run.sh interrupts wrk once every thread has stopped).
-- Arguments (after --): TOKENS_FILE PER_THREAD DONE_FILE
-- done() writes its figures to the file named by the variable WRK_OUT.

local tokens, per_thread, answered, done_file = {}, 0, 0, nil

function init(args)
  for line in io.lines(args[1]) do
    local tok, followers = line:match("^%d+\t[^\t]+\t([^\t]+)\t(%d+)")
    local f = tonumber(followers)
    -- the post_status scenario's authors: about 200 followers each
    if tok and f >= 150 and f <= 250 then tokens[#tokens + 1] = tok end
  end
  if #tokens == 0 then
    for line in io.lines(args[1]) do tokens[#tokens + 1] = line:match("^%d+\t[^\t]+\t([^\t]+)") end
  end
  per_thread = tonumber(args[2])
  done_file = args[3]
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)
end

local n = 0
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/statuses", {
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/x-www-form-urlencoded"},
    "status=burst+post+" .. n .. "+about+conversations")
end

function response(status, headers, body)
  answered = answered + 1
  if answered == per_thread then
    local f = io.open(done_file, "a")
    f:write("done\n")
    f:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = io.open(os.getenv("WRK_OUT"), "w")
  f:write(string.format(
    '{"name": "burst", "requests": %d, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"max_ms": %.3f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
  f:close()
end
