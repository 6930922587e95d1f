-- wrk script for bench/serve-load: POST the body in $BODY_FILE as JSON; each thread stops after
-- $MAX_REQUESTS_PER_THREAD answers, so a run is bounded by count as well as by wrk's -d duration.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "application/json"

local limit = tonumber(os.getenv("MAX_REQUESTS_PER_THREAD") or "0")
local count = 0
function response(status, headers, body)
  count = count + 1
  if limit > 0 and count >= limit then
    wrk.thread:stop()
  end
end
