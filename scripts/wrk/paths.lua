-- wrk script: request the paths listed (one per line) in the file named by
-- the environment variable WRK_PATHS, round-robin per connection.
local paths = {}
local file = assert(io.open(os.getenv("WRK_PATHS"), "r"))
for line in file:lines() do
  if #line > 0 then paths[#paths + 1] = line end
end
file:close()
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[((offset or 0) + i) % #paths + 1])
end
