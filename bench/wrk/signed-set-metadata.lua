-- wrk scenario "signed-set-10": a signed Live.CallbackAfterSetMetadata with 10 keys (the most a
-- room holds), a fresh RoomId per request, for a service started with TENCENT_CALLBACK_TOKEN.
--
-- Sign = lowercase hex sha256(token .. RequestTime), which wrk's LuaJIT cannot compute. bench/run
-- writes BENCH_SIGNS before the run: one "RequestTime Sign" line per second from a few seconds
-- before the run to well after its end, made with sha256sum. Each request carries the pair of the
-- current second (os.time()), so RequestTime is always "now", as Tencent sends it; outside the
-- table the nearest pair is used (the service accepts 60 s of skew).
-- Environment: BENCH_SIGNS (required), BENCH_TAG, BENCH_SDKAPPID, BENCH_PATH.
dofile("bench/wrk/report.lua")

local signs, first, last = {}, nil, nil
local signs_path = os.getenv("BENCH_SIGNS")
assert(signs_path, "BENCH_SIGNS is not set")
for line in assert(io.open(signs_path)):lines() do
  local t, s = line:match("^(%d+)%s+(%x+)$")
  if t then
    t = tonumber(t)
    signs[t] = s
    first = first and math.min(first, t) or t
    last = last and math.max(last, t) or t
  end
end
assert(first, "no signatures in BENCH_SIGNS")

local base = webhook_path("Live.CallbackAfterSetMetadata")
local headers = {["Content-Type"] = "application/json"}

local entries = {}
for i = 1, 10 do
  entries[i] = string.format('{"Key":"key%d","Value":"value of key %d, as a client set it"}', i, i)
end
local head = '{"CallbackCommand":"Live.CallbackAfterSetMetadata","Operator_Account":"brennanli","RoomId":"'
local tail = '","Metadata":[' .. table.concat(entries, ",") .. '],"EventTime":1739965885831}'

local second, path = -1, nil
function request()
  local now = os.time()
  if now ~= second then
    second = now
    local t = math.max(first, math.min(last, now))
    path = base .. "&RequestTime=" .. t .. "&Sign=" .. signs[t]
  end
  return wrk.format("POST", path, headers, head .. next_room_id() .. tail)
end
