-- wrk script for POST /api/ask: cycles through a query file (one query per line) so that every
-- request asks something different.   wrk -s bench/api_ask.lua http://127.0.0.1:8080 -- queries.txt
local bodies = {}
local i = 0

local function escape(s)
  return (s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' end
    return string.format('\\u%04x', c:byte())
  end))
end

function init(args)
  local path = args[1] or "queries.txt"
  for line in io.lines(path) do
    if #line > 0 then bodies[#bodies + 1] = '{"text":"' .. escape(line) .. '","top_k":3}' end
  end
  i = math.random(#bodies)
  wrk.method = "POST"
  wrk.path = "/api/ask"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
