-- Replay prepared requests with wrk: one request per line of a file, "METHOD\tPATH\tBODY".
--   wrk ... -s bench/wrk/requests.lua -- FILE MODE THREADS LOG CSRF
-- MODE "once": every line is sent at most once (fresh tokens); a thread that runs out
-- stops and reports it. MODE "cycle": lines are repeated. LOG: a file prefix to which each
-- thread appends the Set-Cookie header of its 3xx responses ("-" for none). CSRF: the
-- secret sent as the csrftoken cookie (the form carries the same value).
local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   local file, nthreads = args[1], tonumber(args[3])
   mode, log_prefix = args[2], args[4]
   wrk.headers["Cookie"] = "csrftoken=" .. args[5]
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   reqs, index, exhausted, log = {}, 0, 0, nil
   statuses = {}
   local i = 0
   for line in io.lines(file) do
      if i % nthreads == id then
         local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
         if body == "" then body = nil end
         table.insert(reqs, wrk.format(method, path, nil, body))
      end
      i = i + 1
   end
   spare = wrk.format("GET", "/healthz")
   if #reqs == 0 then mode = "once" end
   if log_prefix ~= "-" then
      log = io.open(log_prefix .. "." .. id, "w")
      log:setvbuf("line")
   end
end

function request()
   index = index + 1
   if index > #reqs then
      if mode == "once" then
         if exhausted == 0 then wrk.thread:stop() end
         exhausted = exhausted + 1
         return spare
      end
      index = 1
   end
   return reqs[index]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if log and status >= 300 and status < 400 then
      log:write((headers["Set-Cookie"] or "") .. "\n")
   end
end

function done(summary, latency, requests)
   local counts, out_of_lines = {}, 0
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + n
      end
      out_of_lines = out_of_lines + thread:get("exhausted")
   end
   local parts = {}
   for status, n in pairs(counts) do
      table.insert(parts, string.format('"%d": %d', status, n))
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "connect_errors": %d, ' ..
      '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
      '"exhausted": %d, "statuses": {%s}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write,
      e.status, e.timeout, out_of_lines, table.concat(parts, ", ")))
end
