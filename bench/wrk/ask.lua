-- wrk script: POST /api/v1/ask cycling through varied questions of the bundled knowledge base.
-- The bodies (one JSON object per line) come from the file $ASK_BODIES, which
-- scripts/bench-http.sh writes from faq/*/faq.json (questions and their alternates), so the
-- engine is measured on the spread of questions members ask, not on one cached string.
local bodies = {}
local path = os.getenv("ASK_BODIES")
if path then
  for line in io.lines(path) do bodies[#bodies + 1] = line end
end
if #bodies == 0 then
  bodies = {'{"program":"kagawa","text":"ポイントの有効期限は？"}',
            '{"program":"kagawa","text":"パスワード忘れた"}'}
end
local i = 0

function setup(thread)
  -- Each thread starts at a different place, so the two do not ask in lockstep.
  thread:set("offset", math.random(#bodies))
end

function init(args)
  i = offset or 0
end

function request()
  i = i % #bodies + 1
  local headers = {["Content-Type"] = "application/json"}
  local token = os.getenv("MADOGUCHI_API_TOKEN")
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", "/api/v1/ask", headers, bodies[i])
end
