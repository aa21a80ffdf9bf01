"""The Lua scripts of the shared budget; each runs atomically, in one round trip.

Keys of one scope (``KEYS``): ``closed`` (Redis ms until which a 429 closed the key), ``probe``
(held by the one request that goes alone while the budget is unknown), ``unpaced`` (set while
the API sends no rate-limit headers at all), ``inflight`` (a hash: per budget instance ``<id>``,
its requests admitted and not yet reported, and ``<id>@``, the Redis ms of its last call), then
one hash per window (``minute``, ``hour``):

- ``wid``: the window's id, the ``X-RateLimit-Reset-*`` value in ms, exactly as the server sent
  it, so that a late reply from an earlier window is recognised and ignored;
- ``deadline``: when the window resets, in Redis ms (0: it has reset; what is left of the new
  window is unknown until a probe's reply tells);
- ``remaining``: permits left, counted down at admission, lowered (never raised) by replies
  of the same window, since a request admitted here may still be on its way to the server;
- ``limit``: ``X-RateLimit-Limit-*``, as last sent.

Why a probe after each reset, rather than the whole limit at once: requests admitted just
before the reset may reach the server after it and count against the new window. The probe
goes after them, and the first reply of a new window has every request still in flight, in any
process, taken off what it reports as left: those the server has not counted yet will be, and
those it has are counted twice, which costs a few permits of that window, never a 429. The
count goes up by one in the admission script that grants a permit (so that concurrent
admissions of one process cannot overwrite each other) and down by the reports an instance
has had since its last call, which that call carries (so that a reply needs no round trip of
its own). A count whose instance made no call within the ``horizon`` is left out (its requests
have arrived long since, or its process is gone) and removed by the next report. A report
returns how many instances are live, so that each can pace itself by its share of a window
when Redis is away.

Times come from Redis's own clock (``TIME``), so that workers on machines whose clocks differ
still agree when a window ends; replies are turned into Redis time by their seconds-to-go.
"""

from __future__ import annotations

__all__ = ["ADMIT", "FORGET", "REPORT"]

ADMIT = """
-- ARGV: probe lease ms, poll ms, instance id, its reports since its last call, horizon ms.
-- Returns {wait ms, probe 0/1, then per window: state (0 unknown, 1 known, 2 reset), wid, left}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease, poll = tonumber(ARGV[1]), tonumber(ARGV[2])
local done, horizon = tonumber(ARGV[4]), tonumber(ARGV[5])
-- This instance's requests in flight: +1 for a permit granted, less the reports it had.
local function tell(granted)
  if granted - done ~= 0 and redis.call('HINCRBY', KEYS[4], ARGV[3], granted - done) < 0 then
    redis.call('HSET', KEYS[4], ARGV[3], 0)  -- the hash had expired: start from none
  end
  redis.call('HSET', KEYS[4], ARGV[3] .. '@', now)
  redis.call('PEXPIRE', KEYS[4], horizon)
end
local closed = tonumber(redis.call('GET', KEYS[1]))
if closed and closed > now then
  tell(0)
  return {closed - now, 0}
end
local wait, known, reset, states = 0, 0, false, {}
for i = 5, #KEYS do
  local w = redis.call('HMGET', KEYS[i], 'deadline', 'remaining', 'wid')
  local deadline, remaining = tonumber(w[1]), tonumber(w[2])
  local state = 0
  if remaining then
    state = 1
    if deadline > 0 and now >= deadline then
      redis.call('HSET', KEYS[i], 'deadline', 0)
      deadline = 0
    end
    if deadline == 0 then
      state, reset = 2, true
    elseif remaining <= 0 then
      wait = math.max(wait, deadline - now)
    end
    known = known + 1
  end
  states[i] = {state, tonumber(w[3]) or 0, remaining or 0}
end
if wait > 0 then
  tell(0)
  return {wait, 0}
end
local probe = 0
if reset or (known == 0 and redis.call('EXISTS', KEYS[3]) == 0) then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', lease) then
    local ttl = redis.call('PTTL', KEYS[2])
    if ttl < 1 or ttl > poll then ttl = poll end
    tell(0)
    return {ttl, 0}
  end
  probe = 1
end
tell(1)
local out = {0, probe}
for i = 5, #KEYS do
  local left = states[i][3]
  if states[i][1] == 1 then left = redis.call('HINCRBY', KEYS[i], 'remaining', -1) end
  out[#out + 1] = states[i][1]
  out[#out + 1] = states[i][2]
  out[#out + 1] = left
end
return out
"""

REPORT = """
-- ARGV: retry-after ms (-1: none), probe 0/1, unpaced ttl ms (0: none), window linger ms,
-- instance id, its reports since its last call (this one included; -1: it has none in flight),
-- horizon ms,
-- then per window: wid (-1: not reported), remaining, limit (-1: not sent), reset-in ms.
-- Returns the number of live instances.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local retry, probe, linger = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
local me, done, horizon = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
if done < 0 then
  redis.call('HSET', KEYS[4], me, 0)  -- the instance has nothing in flight
elseif done > 0 and redis.call('HINCRBY', KEYS[4], me, -done) < 0 then
  redis.call('HSET', KEYS[4], me, 0)  -- the hash had expired: start from none
end
redis.call('HSET', KEYS[4], me .. '@', now)
redis.call('PEXPIRE', KEYS[4], horizon)
-- Requests in flight in every process (the server may not have counted them yet), and the
-- live instances, this one included; those silent past the horizon (gone) are removed.
local flying, peers, gone = 0, 0, {}
local fields, held = redis.call('HGETALL', KEYS[4]), {}
for j = 1, #fields, 2 do held[fields[j]] = tonumber(fields[j + 1]) end
for field, at in pairs(held) do
  if string.sub(field, -1) == '@' then  -- '<id>@': when the instance last called
    local id = string.sub(field, 1, -2)
    if now - at < horizon then
      peers = peers + 1
      flying = flying + math.max(0, held[id] or 0)
    else
      gone[#gone + 1] = id
      gone[#gone + 1] = field
    end
  end
end
if #gone > 0 then redis.call('HDEL', KEYS[4], unpack(gone, 1, math.min(#gone, 2000))) end
if retry >= 0 then
  local until_ = now + retry
  local closed = tonumber(redis.call('GET', KEYS[1]))
  if not closed or closed < until_ then redis.call('SET', KEYS[1], until_, 'PX', retry + 1) end
end
for i = 5, #KEYS do
  local a = 8 + (i - 5) * 4
  local wid = tonumber(ARGV[a])
  local w = redis.call('HMGET', KEYS[i], 'deadline', 'remaining', 'wid')
  local sdeadline, sremaining, swid = tonumber(w[1]), tonumber(w[2]), tonumber(w[3]) or -1
  if wid >= 0 then
    local remaining, limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
    local deadline = now + tonumber(ARGV[a + 3])
    if not sremaining or wid > swid then
      -- A window seen for the first time, or the next one: the server's count, less what it
      -- may not have counted yet.
      remaining = math.max(0, remaining - flying)
      redis.call('HSET', KEYS[i], 'wid', wid, 'deadline', deadline, 'remaining', remaining)
      if limit >= 0 then
        redis.call('HSET', KEYS[i], 'limit', limit)
      else
        redis.call('HDEL', KEYS[i], 'limit')
      end
      redis.call('PEXPIRE', KEYS[i], deadline - now + linger)
    elseif wid == swid and sdeadline > 0 and remaining < sremaining then
      redis.call('HSET', KEYS[i], 'remaining', remaining)
    end
  elseif probe == 1 and sdeadline == 0 then
    -- The probe's reply no longer reports this window: stop waiting for it.
    redis.call('DEL', KEYS[i])
  end
end
if probe == 1 then redis.call('DEL', KEYS[2]) end
local unpaced = tonumber(ARGV[3])
if unpaced > 0 then redis.call('SET', KEYS[3], '1', 'PX', unpaced) end
return peers
"""

FORGET = """
-- ARGV: instance id. Its count of requests in flight goes: it has none, for good.
redis.call('HDEL', KEYS[4], ARGV[1], ARGV[1] .. '@')
return 1
"""
