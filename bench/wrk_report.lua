-- wrk reporter for bench/bench_dashboard.py: after the run, print one machine-readable line
--
--   WRK_RESULT {"requests": ..., "rps": ..., "p50_ms": ..., ...}
--
-- (JSON on one line, after the marker). Latencies are wrk's per-request times in ms, from
-- writing the request to reading the whole response. "non_200" counts responses whose
-- status is not 200 (wrk's own error count ignores 3xx, so a redirect to the login page
-- would pass unnoticed); "socket_errors" sums connect, read, write and timeout errors.
--
-- Headers (Cookie, HX-Request) are given on the wrk command line with -H.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   non_200 = 0
end

function response(status, headers, body)
   if status ~= 200 then
      non_200 = non_200 + 1
   end
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local errors = summary.errors
   local not_ok = 0
   for _, thread in ipairs(threads) do
      not_ok = not_ok + thread:get("non_200")
   end
   local fields = {
      string.format('"requests": %d', summary.requests),
      string.format('"duration_s": %.3f', seconds),
      string.format('"rps": %.2f', summary.requests / seconds),
      string.format('"bytes": %d', summary.bytes),
      string.format('"p50_ms": %.2f', latency:percentile(50) / 1000),
      string.format('"p90_ms": %.2f', latency:percentile(90) / 1000),
      string.format('"p95_ms": %.2f', latency:percentile(95) / 1000),
      string.format('"p99_ms": %.2f', latency:percentile(99) / 1000),
      string.format('"mean_ms": %.2f', latency.mean / 1000),
      string.format('"max_ms": %.2f', latency.max / 1000),
      string.format('"non_200": %d', not_ok),
      string.format('"socket_errors": %d',
         errors.connect + errors.read + errors.write + errors.timeout),
   }
   io.write("WRK_RESULT {" .. table.concat(fields, ", ") .. "}\n")
end
