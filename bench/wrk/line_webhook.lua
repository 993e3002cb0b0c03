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

-- Paced mode: with $LINE_DELAY_MS each connection waits that long before its next request, so
-- -c N connections offer about N * 1000 / LINE_DELAY_MS webhooks a second (Debian's wrk has
-- no fixed-rate mode). Unset: each connection sends as fast as it is answered.
local pace = tonumber(os.getenv("LINE_DELAY_MS") or "")
if pace then
  function delay()
    return pace
  end
end

-- Threads start half the (remaining) list apart; $LINE_OFFSET skips a first part of the list,
-- so two runs against one service send different events.
local base = tonumber(os.getenv("LINE_OFFSET") or "") or 0
local thread_count = 0
function setup(thread)
  thread:set("offset", base + thread_count * math.floor((#bodies - base) / 2))
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
