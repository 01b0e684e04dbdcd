-- wrk script: POST the SetMetadata sample as Tencent's live server would, with a fresh RoomId
-- per request so that every request makes two distinct messages.
local sample = io.open("src/test/resources/samples/set-metadata.json"):read("*a")
local counter = 0

request = function()
  counter = counter + 1
  local body = sample:gsub("live%-room1111", "bench-" .. counter)
  return wrk.format("POST",
    "/callback?SdkAppid=1400000001&CallbackCommand=Live.CallbackAfterSetMetadata&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI",
    {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
