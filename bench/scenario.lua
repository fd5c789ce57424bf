-- wrk script for one Rapport benchmark scenario.
-- Arguments (after --): SCENARIO TOKENS_FILE IDS_FILE EXTRA OUT_JSON
--   SCENARIO: home_timeline | conversations_feed | public_timeline | status_context |
--             account_statuses | profile_page | status_page | post_status | favourite
--   TOKENS_FILE: lines "account_id<TAB>username<TAB>token<TAB>followers" (rapport seed --tokens)
--   IDS_FILE: one public status id per line (for favourite)
--   EXTRA: the thread root id (status_context)
--   WRK_PAGES (environment): lines "username status_id" of public statuses (status_page)
--   OUT_JSON: where done() writes its figures (done() runs in wrk's main
--   script state, where init() never ran, so it reads the path from the
--   environment variable WRK_OUT instead; run.sh sets both)

local scenario, tokens, accounts, poster_tokens, ids = nil, {}, {}, {}, {}
local names, pages = {}, {}
local extra, out_path = nil, nil
local counter = 0

local function read_lines(path)
  local t = {}
  local f = io.open(path, "r")
  if not f then return t end
  for line in f:lines() do t[#t + 1] = line end
  f:close()
  return t
end

function init(args)
  scenario, extra, out_path = args[1], args[4], args[5]
  for _, line in ipairs(read_lines(args[2])) do
    local id, name, tok, followers = line:match("^(%d+)\t([^\t]+)\t([^\t]+)\t(%d+)")
    if id then
      tokens[#tokens + 1] = tok
      accounts[#accounts + 1] = id
      names[#names + 1] = name
      local f = tonumber(followers)
      if f >= 150 and f <= 250 then poster_tokens[#poster_tokens + 1] = tok end
    end
  end
  if #poster_tokens == 0 then poster_tokens = tokens end
  ids = read_lines(args[3])
  pages = read_lines(os.getenv("WRK_PAGES") or "")
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)
end

local function pick(t) return t[math.random(#t)] end

local function get(path, tok)
  local h = {}
  if tok then h["Authorization"] = "Bearer " .. tok end
  return wrk.format("GET", path, h)
end

function request()
  counter = counter + 1
  if scenario == "mixed" then
    -- 80 % reads, 20 % writes, as a busy community does
    local r = math.random(100)
    local saved = scenario
    if r <= 40 then scenario = "home_timeline"
    elseif r <= 55 then scenario = "public_timeline"
    elseif r <= 70 then scenario = "account_statuses"
    elseif r <= 80 then scenario = "status_context"
    elseif r <= 92 then scenario = "post_status"
    else scenario = "favourite" end
    local req = request()
    scenario = saved
    return req
  end
  if scenario == "home_timeline" then
    return get("/api/v1/timelines/home?limit=40", pick(tokens))
  elseif scenario == "conversations_feed" then
    return get("/api/v1/conversations?limit=20", pick(tokens))
  elseif scenario == "public_timeline" then
    return get("/api/v1/timelines/public?limit=40", nil)
  elseif scenario == "status_context" then
    return get("/api/v1/statuses/" .. extra .. "/context", pick(tokens))
  elseif scenario == "account_statuses" then
    return get("/api/v1/accounts/" .. pick(accounts) .. "/statuses?limit=40", pick(tokens))
  elseif scenario == "profile_page" then
    return wrk.format("GET", "/@" .. pick(names), {["Accept"] = "text/html"})
  elseif scenario == "status_page" then
    local name, id = pick(pages):match("^(%S+) (%d+)")
    return wrk.format("GET", "/@" .. name .. "/" .. id, {["Accept"] = "text/html"})
  elseif scenario == "post_status" then
    local body = "status=" .. "benchmark+post+number+" .. counter .. "+about+conversations"
    return wrk.format("POST", "/api/v1/statuses", {
      ["Authorization"] = "Bearer " .. pick(poster_tokens),
      ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  elseif scenario == "favourite" then
    return wrk.format("POST", "/api/v1/statuses/" .. pick(ids) .. "/favourite",
      {["Authorization"] = "Bearer " .. pick(tokens)})
  elseif scenario == "static" then
    return wrk.format("GET", "/static.html")
  end
  return get("/api/v1/instance", nil)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local f = io.open(os.getenv("WRK_OUT") or out_path, "w")
  f:write(string.format(
    '{"name": "%s", "requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "errors": %d, "non_2xx": %d}\n',
    os.getenv("WRK_SCENARIO") or scenario, summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
  f:close()
end
