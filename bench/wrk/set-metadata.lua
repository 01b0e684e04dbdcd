-- wrk scenario "set-2": Live.CallbackAfterSetMetadata as Tencent's live server posts it, the
-- 2-key sample (src/test/resources/samples/set-metadata.json, or BENCH_SAMPLE) with a fresh RoomId
-- per request, so that every request makes two new messages. Unsigned.
-- Environment: BENCH_TAG (RoomId prefix), BENCH_SDKAPPID, BENCH_PATH, BENCH_SAMPLE.
dofile("bench/wrk/report.lua")

local sample = assert(io.open(os.getenv("BENCH_SAMPLE") or "src/test/resources/samples/set-metadata.json")):read("*a")
local from, to = sample:find("live-room1111", 1, true)
assert(from, "the sample has no RoomId live-room1111 to replace")
local head, tail = sample:sub(1, from - 1), sample:sub(to + 1)
local path = webhook_path("Live.CallbackAfterSetMetadata")
local headers = {["Content-Type"] = "application/json"}

function request()
  return wrk.format("POST", path, headers, head .. next_room_id() .. tail)
end
