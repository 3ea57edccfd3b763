-- wrk script for ci/bench: replays the requests of a file, round-robin, one
-- line each: "METHOD PATH TOKEN". Every request carries its user's token, so
-- the server verifies a token on every request.
local requests = {}
local next_index = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, path, token = line:match("^(%S+) (%S+) (%S+)$")
    local headers = { ["Authorization"] = "Bearer " .. token }
    local body = nil
    if method == "POST" then
      headers["Content-Type"] = "application/json"
      body = '{"title":"ci/bench task","description":"created under load"}'
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  if #requests == 0 then
    error("no requests in " .. args[1])
  end
  -- Threads start at different users.
  next_index = math.random(#requests) - 1
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
