-- The requests of one load, read from a file: one line each, METHOD<TAB>PATH<TAB>BODY.
-- wrk ... -s requests.lua URL -- FILE TOKEN MODE
--   TOKEN: a bearer token, or "-" for none; MODE: "cycle" (round and round) or "once" (each
--   line once, then the thread stops: a sign-up must not be sent twice).
-- Counts the answers by status and prints one JSON line at the end (prefixed "BENCH ").

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file, token, mode = args[1], args[2], args[3]
  headers = { ["Content-Type"] = "application/json" }
  if token ~= "-" then
    headers["Authorization"] = "Bearer " .. token
  end
  once = mode == "once"
  lines = {}
  for line in io.lines(file) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if body == "" then body = nil end
    table.insert(lines, wrk.format(method, path, headers, body))
  end
  -- What a thread sends once its lines are used up (in "once" mode): a harmless read.
  filler = wrk.format("GET", "/healthz")
  index = 0
  statuses = {}
end

function request()
  index = index + 1
  if index > #lines then
    if once then
      wrk.thread:stop()
      return filler
    end
    index = 1
  end
  return lines[index]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, n in pairs(seen) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p90_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect + errors.read + errors.write + errors.timeout,
    table.concat(parts, ", ")))
end
