-- wrk script for the benchmark: counts non-2xx answers in every thread and prints one
-- line "BENCH_JSON {...}" with throughput, latency percentiles and errors, for load.py.
-- With a file argument (wrk ... -s wrk_report.lua URL -- PATHS_FILE), each request takes
-- a random path from that file (one per line) instead of the URL's own path.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  paths = nil
  if args[1] then
    paths = {}
    for line in io.lines(args[1]) do
      table.insert(paths, line)
    end
    math.randomseed(id * 7919)
  end
end

function request()
  if paths then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  return wrk.format()
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d}}\n',
    summary.requests, summary.duration, summary.bytes, bad,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
