-- Shared by the wrk scenarios of bench/run: done() prints one machine-readable line with wrk's
-- totals and latency percentiles in microseconds, p99.9 included (wrk --latency stops at p99).
-- Errors: status = answers that are not 2xx/3xx; connect/read/write/timeout = socket errors
-- (wrk's timeout is 2 s by default, Tencent's own limit).
function done(summary, latency, requests)
  local e = summary.errors
  local n = summary.requests
  local function pct(p) return n > 0 and latency:percentile(p) or 0 end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,'
      .. '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"lat_mean_us":%.1f,"lat_stdev_us":%.1f,'
      .. '"lat_p50_us":%d,"lat_p75_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,"lat_p999_us":%d,"lat_max_us":%d}\n',
    n, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    n > 0 and latency.mean or 0, n > 0 and latency.stdev or 0,
    pct(50), pct(75), pct(90), pct(99), pct(99.9), n > 0 and latency.max or 0))
end

-- Each wrk thread gets a number, so RoomIds made by different threads never collide.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

-- A fresh RoomId per request: <BENCH_TAG>-<thread>-<counter>.
local counter = 0
local prefix
function next_room_id()
  if not prefix then
    prefix = (os.getenv("BENCH_TAG") or "bench") .. "-" .. tostring(thread_id or 0) .. "-"
  end
  counter = counter + 1
  return prefix .. counter
end

-- The query Tencent's live server appends (README, "Delivery").
function webhook_path(command)
  return (os.getenv("BENCH_PATH") or "/callback") .. "?SdkAppid=" .. (os.getenv("BENCH_SDKAPPID") or "1400000001")
    .. "&CallbackCommand=" .. command .. "&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI"
end
