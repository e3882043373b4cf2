-- wrk script for bench/soak.sh: a mixed load that creates tasks, polls them while they
-- progress and after they have expired, and calls a few synchronous operations in between.
--
-- Run it with as many threads as connections (wrk -tN -cN): each thread then has one
-- connection with one request in flight, so the rotation below is per connection and every
-- response() belongs to the request() just before it on this thread.
--
-- Environment (set by bench/soak.sh):
--   SOAK_TTL       the emulator's --task-ttl in seconds (default 5)
--   SOAK_RUN       a tag unique to this soak run, SOAK_SLICE the slice's number: with the
--                  thread's number and a counter they make every uniqueTransferId unique
--   SOAK_INTERVAL  milliseconds from one request to the next on each connection (default 0:
--                  as fast as the answers come). A fixed rate, not a pause after each answer,
--                  so that a slower emulator (a busy machine) gets the same load, and every
--                  slice does the same work: RSS is then comparable from slice to slice.
--
-- Counted as an error (per thread, summed in done()):
--   * any HTTP status outside 2xx (a SOAP Fault is HTTP 500), and wrk's socket errors
--     (connect, read, write, timeout), which wrk counts itself;
--   * an answer that is not the response of the operation asked, or has no requestStatus;
--   * any requestStatus other than SUCCESS, except the one this mix is expected to meet:
--       ERR_TASK_DOES_NOT_EXIST (or ..._EXISTS with --not-found-spelling exists) from
--       getTaskStatus, for a task that may be past its TTL: one whose age, counted from
--       sending the call that created it to the answer of the poll (the longest it can have
--       been), is at least TTL - 1 s (a margin for the two clocks);
--     and nothing else, because in this mix nothing else can legitimately happen:
--       ERR_VUI_NOT_LOGGEDIN      test_user is logged in before the load and nothing logs out
--       ERR_INVALID_TRANSFER_ID   every uniqueTransferId is unique
--       ERR_TECHNICAL_PROBLEM     the store is full (--max-tasks): live tasks are swept long before
--       ERR_TOO_OFTEN, ERR_INVALID_USERNAME, ERR_INVALID_AMOUNT, ERR_INVALID_PEER_LOCATION...
--                                 alice exists, has no request limit, the arguments are valid
--       ERR_TIMEOUT and other injected errors: soak.sh sets no faults
--       ERR_TASK_DOES_NOT_EXIST for a task younger than TTL - 1 s: it vanished too early;
--   * getTaskStatus answering SUCCESS for a task that outlived its TTL: its age, counted from
--     the answer that created it to sending the poll (the shortest it can have been), is over
--     TTL + 1 s; or answering with another task's id;
--   * a task of this mix ending in any FINISHED_ERR_* status: test_user has the money for
--     every transfer (soak.sh resets the world between slices) and alice accepts at once.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
int clock_gettime(int clock_id, soak_timespec *tp);
]]
local timespec = ffi.new("soak_timespec")
-- Seconds on CLOCK_MONOTONIC, to the microsecond (os.time() has whole seconds only).
local function clock()
  ffi.C.clock_gettime(1, timespec)
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local ttl = tonumber(os.getenv("SOAK_TTL") or "5")
local run = os.getenv("SOAK_RUN") or tostring(os.time())
local slice = os.getenv("SOAK_SLICE") or "0"
local interval = tonumber(os.getenv("SOAK_INTERVAL") or "0")
local margin = 1
-- Tasks are kept for polling until they are this old: well past their TTL.
local keep = 3 * ttl + margin

wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"

local function envelope(op, args)
  return '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1">'
    .. "<SOAP-ENV:Body><ns:" .. op .. ">" .. args .. "</ns:" .. op .. "></SOAP-ENV:Body></SOAP-ENV:Envelope>"
end

local hello_body = envelope("hello", "")
local money_body = envelope("getMoneyStatus", "")
local auth_body = envelope("requestPersonalLoginAuthentication",
  "<antiSpamCode></antiSpamCode><merchantName>Soak</merchantName>"
  .. "<type>LOGIN_AUTHENTICATION_REQUEST</type><username>alice</username>")
local location = "<machineIdHex></machineIdHex><ip></ip><tcp>0</tcp><udp>0</udp>"

local function give_body(unique_transfer_id)
  return envelope("giveMoneyRequest",
    "<username>alice</username><uniqueTransferId>" .. unique_transfer_id .. "</uniqueTransferId>"
    .. "<type>GIVE_MONEY</type><seriesId></seriesId>"
    .. "<amount><amount>1</amount><currency>PLN</currency><colour>0</colour></amount>"
    .. "<shortDescription>soak</shortDescription><description></description>"
    .. "<peerLocation><userName>alice</userName><userLocation>" .. location .. "</userLocation>"
    .. "<buddyLocation>" .. location .. "</buddyLocation>"
    .. "<confirmationCode1></confirmationCode1><confirmationCode2></confirmationCode2></peerLocation>")
end

local function status_body(task_id, unique_transfer_id)
  return envelope("getTaskStatus", "<taskId>" .. task_id .. "</taskId><uniqueTransferId>"
    .. unique_transfer_id .. "</uniqueTransferId><callback>false</callback>")
end

-- ---------------------------------------------------------------- setup and done (main state)

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total = { responses = 0, errors = 0, expired = 0, created = 0 }
  local reasons, statuses = {}, {}
  for _, thread in ipairs(threads) do
    local s = thread:get("stats")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
    for k, v in pairs(thread:get("reasons")) do reasons[k] = (reasons[k] or 0) + v end
    for k, v in pairs(thread:get("statuses")) do statuses[k] = (statuses[k] or 0) + v end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  if socket > 0 then
    reasons[string.format("socket errors (connect %d, read %d, write %d, timeout %d)",
      e.connect, e.read, e.write, e.timeout)] = socket
  end
  local errors = total.errors + socket
  local seconds = summary.duration / 1e6
  -- One line for soak.sh to read, then the details.
  io.write(string.format("SOAK requests=%d rps=%.1f errors=%d expired_polls=%d tasks_created=%d p99_ms=%.1f\n",
    summary.requests, summary.requests / seconds, errors, total.expired, total.created,
    latency:percentile(99.0) / 1000))
  local seen = {}
  for k, v in pairs(statuses) do table.insert(seen, k .. " " .. v) end
  table.sort(seen)
  io.write("SOAK statuses polled: " .. table.concat(seen, ", ") .. "\n")
  local lines = {}
  for reason, count in pairs(reasons) do
    table.insert(lines, string.format("SOAK error: %d x %s\n", count, reason))
  end
  table.sort(lines)
  io.write(table.concat(lines))
end

-- ---------------------------------------------------------------- running (one state per thread)

-- Globals, so that done() can read them with thread:get().
stats = { responses = 0, errors = 0, expired = 0, created = 0 }
reasons = {}  -- error description -> count
statuses = {} -- task status seen by getTaskStatus -> count

-- poll_newest: the task just created (still progressing); poll_middle: one about TTL/2 old
-- (finished, still live); poll_oldest: one about 3 TTL old (expired); poll_transfer: by
-- uniqueTransferId, in turn the oldest and a TTL/2-old transfer.
local rotation = { "give", "poll_newest", "auth", "poll_oldest", "hello", "poll_transfer", "money", "poll_middle" }
local step = 0
local counter = 0
local pending = nil

-- Queues of the tasks this connection created, oldest first: {id, utid, sent, t}, where sent
-- is when the call that created the task was sent and t when its answer came (clock()).
local function queue() return { first = 1, last = 0 } end
local tasks, transfers = queue(), queue()
local function push(q, item) q.last = q.last + 1; q[q.last] = item end
local function empty(q) return q.first > q.last end
-- Forgets the tasks too old to be worth polling (expired for a long while).
local function oldest(q, now)
  while not empty(q) and now - q[q.first].t > keep do
    q[q.first] = nil
    q.first = q.first + 1
  end
  if not empty(q) then return q[q.first] end
end

-- A task at most half its TTL old, for polls that must find it: the queue is in creation
-- order, so a cursor moves forward over it, one task per poll, skipping the older ones.
local function middle(q, now)
  if empty(q) then return nil end
  q.mid = math.max(q.mid or q.first, q.first)
  while q.mid < q.last and now - q[q.mid].t > ttl / 2 do q.mid = q.mid + 1 end
  local task = q[q.mid]
  if q.mid < q.last then q.mid = q.mid + 1 end
  return task
end
local transfer_turn = 0

local function fail(reason)
  stats.errors = stats.errors + 1
  reasons[reason] = (reasons[reason] or 0) + 1
end

-- Paced: each request is due `interval` ms after the previous one was due. Running late (a
-- slow answer) is made up by not waiting, but never by more than a second's worth of burst.
if interval > 0 then
  local due = nil
  function delay()
    local now = clock() * 1000
    due = math.max((due or now) + interval, now - 1000)
    return math.max(0, math.floor(due - now))
  end
end

function request()
  step = step % #rotation + 1
  local kind = rotation[step]
  local now = clock()
  local task
  if kind == "poll_newest" and not empty(tasks) then
    task = tasks[tasks.last]
  elseif kind == "poll_oldest" then
    task = oldest(tasks, now)
  elseif kind == "poll_middle" then
    task = middle(tasks, now)
  elseif kind == "poll_transfer" then
    transfer_turn = transfer_turn + 1
    if transfer_turn % 2 == 1 then task = oldest(transfers, now) else task = middle(transfers, now) end
  end
  if kind:sub(1, 4) == "poll" and not task then kind = "hello" end -- nothing to poll yet

  if kind == "give" then
    counter = counter + 1
    local utid = string.format("soak-%s-%s-%d-%d", run, slice, thread_number, counter)
    pending = { kind = kind, sent = now, op = "giveMoneyRequest", utid = utid }
    return wrk.format(nil, nil, nil, give_body(utid))
  elseif kind == "auth" then
    pending = { kind = kind, sent = now, op = "requestPersonalLoginAuthentication" }
    return wrk.format(nil, nil, nil, auth_body)
  elseif kind == "hello" then
    pending = { kind = kind, sent = now, op = "hello" }
    return wrk.format(nil, nil, nil, hello_body)
  elseif kind == "money" then
    pending = { kind = kind, sent = now, op = "getMoneyStatus" }
    return wrk.format(nil, nil, nil, money_body)
  elseif kind == "poll_transfer" then
    pending = { kind = kind, sent = now, op = "getTaskStatus", task = task }
    return wrk.format(nil, nil, nil, status_body("", task.utid))
  else
    pending = { kind = kind, sent = now, op = "getTaskStatus", task = task }
    return wrk.format(nil, nil, nil, status_body(task.id, ""))
  end
end

function response(status, headers, body)
  local asked = pending
  pending = nil
  stats.responses = stats.responses + 1
  if not asked then
    fail("a response with no request pending")
    return
  end
  local op = asked.op
  if status < 200 or status > 299 then
    fail(op .. ": HTTP " .. status)
    return
  end
  local answered = body:match("<[%w_%-]+:(%w+)Response>")
  if answered ~= op then
    fail(op .. ": answered as " .. tostring(answered))
    return
  end
  local code = body:match("<requestStatus>([^<]*)</requestStatus>")
  if not code then
    fail(op .. ": no requestStatus")
    return
  end
  local task_id = body:match("<taskId>([^<]*)</taskId>")
  local now = clock()

  if op == "getTaskStatus" then
    local task = asked.task
    if code == "SUCCESS" then
      local task_status = body:match("<status>([^<]*)</status>")
      statuses[task_status] = (statuses[task_status] or 0) + 1
      if asked.sent - task.t > ttl + margin then
        fail("getTaskStatus (" .. asked.kind .. "): SUCCESS for a task older than TTL + " .. margin .. " s")
      elseif task_id ~= task.id then
        fail("getTaskStatus (" .. asked.kind .. "): answered for another task")
      elseif task_status:match("^FINISHED_ERR") then
        fail("getTaskStatus (" .. asked.kind .. "): task ended " .. task_status)
      end
    elseif code == "ERR_TASK_DOES_NOT_EXIST" or code == "ERR_TASK_DOES_NOT_EXISTS" then
      if now - task.sent < ttl - margin then
        fail("getTaskStatus (" .. asked.kind .. "): " .. code .. " for a task younger than TTL - " .. margin .. " s")
      else
        stats.expired = stats.expired + 1
      end
    else
      fail("getTaskStatus (" .. asked.kind .. "): " .. code)
    end
  elseif asked.kind == "give" or asked.kind == "auth" then
    if code ~= "SUCCESS" then
      fail(op .. ": " .. code)
    elseif not task_id or not task_id:match("^[0-9A-Z]+$") then
      fail(op .. ": SUCCESS without a taskId")
    else
      stats.created = stats.created + 1
      local task = { id = task_id, utid = asked.utid, sent = asked.sent, t = now }
      push(tasks, task)
      if asked.utid then push(transfers, task) end
    end
  elseif code ~= "SUCCESS" then
    fail(op .. ": " .. code)
  end
end
