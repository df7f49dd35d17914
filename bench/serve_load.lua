-- wrk script for bench/serve.sh: POSTs the bodies of $GAVEL_BODIES (one per line) in turn to
-- $GAVEL_PATH; with $GAVEL_DELAY_MS each connection waits that long after every answer, for a
-- fixed load (wrk's timers count whole milliseconds).
local bodies = {}
for line in io.lines(os.getenv("GAVEL_BODIES")) do
  bodies[#bodies + 1] = line
end
local path = os.getenv("GAVEL_PATH")
local wait = tonumber(os.getenv("GAVEL_DELAY_MS") or "0")
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  thread:set("offset", math.random(#bodies))
end

request = function()
  i = i + 1
  return wrk.format(nil, path, nil, bodies[(i + (offset or 0)) % #bodies + 1])
end

if wait > 0 then
  delay = function()
    return wait
  end
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
  end
end
