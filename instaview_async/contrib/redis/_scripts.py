"""The two Lua scripts of the shared budget; each runs atomically, in one round trip.

Keys of one scope (``KEYS``): ``closed`` (Redis ms until which a 429 closed the key), ``probe``
(held by the one request that goes alone while the budget is unknown), ``unpaced`` (set while
the API sends no rate-limit headers at all), then one hash per window (``minute``, ``hour``):

- ``wid``: the window's id, the ``X-RateLimit-Reset-*`` value in ms, exactly as the server sent
  it, so that a late reply from an earlier window is recognised and ignored;
- ``deadline``: when the window resets, in Redis ms (0: it has reset and the new window's end
  is not known yet: a reply will tell);
- ``remaining``: permits left, counted down at admission, lowered (never raised) by replies
  of the same window, since a request admitted here may still be on its way to the server;
- ``limit``: ``X-RateLimit-Limit-*``, the permits of the next window when this one resets.

Times come from Redis's own clock (``TIME``), so that workers on machines whose clocks differ
still agree when a window ends; replies are turned into Redis time by their seconds-to-go.
"""

from __future__ import annotations

__all__ = ["ADMIT", "REPORT"]

ADMIT = """
-- ARGV: probe lease ms, poll ms, fresh-window ttl ms, margin ms.
-- Returns {wait ms, probe 0/1, then per window: state (0 unknown, 1 known, 2 reset), wid, left}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease, poll, fresh_ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local margin = tonumber(ARGV[4])
local closed = tonumber(redis.call('GET', KEYS[1]))
if closed and closed > now then return {closed - now, 0} end
local wait, known, states = 0, 0, {}
for i = 4, #KEYS do
  local w = redis.call('HMGET', KEYS[i], 'deadline', 'remaining', 'limit', 'wid')
  local deadline, remaining, limit = tonumber(w[1]), tonumber(w[2]), tonumber(w[3])
  local state = 0
  if remaining then
    state = 1
    if deadline == 0 then state = 2 end
    if deadline > 0 and now >= deadline then
      if limit then
        -- The window has reset: the next one has its whole limit, until a reply says more.
        remaining, deadline, state = limit, 0, 2
        redis.call('HSET', KEYS[i], 'deadline', 0, 'remaining', limit)
        redis.call('PEXPIRE', KEYS[i], fresh_ttl)
      else
        redis.call('DEL', KEYS[i])
        remaining, state = nil, 0
      end
    end
  end
  if remaining then
    known = known + 1
    if deadline > 0 and deadline - now < margin then
      -- Sent now, the request would reach the server after the reset and count against the
      -- next window, whose permits are handed out from its start: wait for that window.
      wait = math.max(wait, deadline - now)
    elseif remaining <= 0 then
      if deadline > 0 then
        wait = math.max(wait, deadline - now)
      else
        wait = math.max(wait, poll)
      end
    end
  end
  states[i] = {state, tonumber(w[4]) or 0}
end
if wait > 0 then return {wait, 0} end
if known == 0 then
  if redis.call('EXISTS', KEYS[3]) == 1 then return {0, 0} end
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', lease) then return {0, 1} end
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl < 1 or ttl > poll then ttl = poll end
  return {ttl, 0}
end
local out = {0, 0}
for i = 4, #KEYS do
  local left = 0
  if states[i][1] > 0 then left = redis.call('HINCRBY', KEYS[i], 'remaining', -1) end
  out[#out + 1] = states[i][1]
  out[#out + 1] = states[i][2]
  out[#out + 1] = left
end
return out
"""

REPORT = """
-- ARGV: retry-after ms (-1: none), release probe 0/1, unpaced ttl ms (0: none), window linger ms,
-- then per window: wid (-1: not reported), remaining, limit (-1: not sent), reset-in ms.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local retry, linger = tonumber(ARGV[1]), tonumber(ARGV[4])
if retry >= 0 then
  local until_ = now + retry
  local closed = tonumber(redis.call('GET', KEYS[1]))
  if not closed or closed < until_ then redis.call('SET', KEYS[1], until_, 'PX', retry + 1) end
end
for i = 4, #KEYS do
  local a = 5 + (i - 4) * 4
  local wid = tonumber(ARGV[a])
  if wid >= 0 then
    local remaining, limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
    local deadline = now + tonumber(ARGV[a + 3])
    local w = redis.call('HMGET', KEYS[i], 'deadline', 'remaining', 'wid')
    local sdeadline, sremaining, swid = tonumber(w[1]), tonumber(w[2]), tonumber(w[3]) or -1
    local new = nil
    if not sremaining then
      new = remaining
    elseif sdeadline == 0 then
      -- After a reset, the first reply of the new window: keep what was counted since.
      if wid > swid then new = math.min(sremaining, remaining) end
    elseif wid == swid then
      if remaining < sremaining then redis.call('HSET', KEYS[i], 'remaining', remaining) end
    elseif wid > swid then
      new = remaining
    end
    if new then
      redis.call('HSET', KEYS[i], 'wid', wid, 'deadline', deadline, 'remaining', new)
      if limit >= 0 then
        redis.call('HSET', KEYS[i], 'limit', limit)
      else
        redis.call('HDEL', KEYS[i], 'limit')
      end
      redis.call('PEXPIRE', KEYS[i], deadline - now + linger)
    end
  end
end
if tonumber(ARGV[2]) == 1 then redis.call('DEL', KEYS[2]) end
local unpaced = tonumber(ARGV[3])
if unpaced > 0 then redis.call('SET', KEYS[3], '1', 'PX', unpaced) end
return 1
"""
