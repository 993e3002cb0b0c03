-- wrk script: signed LINE webhooks to POST /webhook/line/bench. $LINE_BODIES holds one
-- "<X-Line-Signature>\t<body>" per line, precomputed by scripts/bench-http.sh with the bench
-- channel's secret (wrk's Lua has no HMAC); each body carries its own webhookEventId, so every
-- request is a new event written to the inbox until the list wraps around (then redeliveries).
local sigs, bodies = {}, {}
for line in io.lines(os.getenv("LINE_BODIES")) do
  local tab = line:find("\t", 1, true)
  sigs[#sigs + 1] = line:sub(1, tab - 1)
  bodies[#bodies + 1] = line:sub(tab + 1)
end
local i = 0

local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count * math.floor(#bodies / 2))
  thread_count = thread_count + 1
end

function init(args)
  i = offset or 0
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/webhook/line/bench",
                    {["Content-Type"] = "application/json", ["X-Line-Signature"] = sigs[i]},
                    bodies[i])
end
