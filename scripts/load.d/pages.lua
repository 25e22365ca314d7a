-- wrk script for scripts/load-surge: rotates the public pages residents open in a surge, counts
-- answers that are not 2xx, and prints one line the script reads.
local paths = { "/", "/crowd/lite", "/crowd", "/datasets" }
local threads = {}

wrk.headers["Accept-Encoding"] = os.getenv("LOAD_ACCEPT_ENCODING") or "gzip"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  non2xx = 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    "pages requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d bytes=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    bad, e.connect, e.read, e.write, e.timeout, summary.bytes))
end
