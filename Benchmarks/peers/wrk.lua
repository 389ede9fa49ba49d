-- wrk script: requests cycle through the paths in $WRK_PATHS (one per line; the command line's
-- path when unset); at the end the figures go to $WRK_OUT as JSON.
local paths = {}
local counter = 0

function init(args)
  local file = os.getenv("WRK_PATHS")
  if file and file ~= "" then
    for line in io.lines(file) do paths[#paths + 1] = line end
  end
  -- Each thread starts at its own place in the list.
  counter = math.random(1, math.max(1, #paths))
end

function request()
  if #paths == 0 then return wrk.format() end
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("WRK_OUT"), "w")
  local seconds = summary.duration / 1e6
  out:write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "errors": %d, "non2xx": %d, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, seconds, summary.requests / seconds,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  out:close()
end
