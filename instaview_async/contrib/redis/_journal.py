"""RedisJournal: the journal of done rows shared by every worker of one import."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import anyio
import attrs
from redis.asyncio import Redis

from ...journal import JournalBinding, JournalEntry, JournalError, JournalMismatchError
from ...journal._file import _entry
from ._client import COLD, from_url, refuse_trio, require_asyncio, where
from ._fail_open import UNAVAILABLE, FailOpen, Unavailable, logger

__all__ = ["RedisJournal"]

# SET NX and the GET of what is there in one atomic step: with two round trips, a key deleted
# between them (a FLUSHDB, an expiry set by hand) would make bind read nothing. SET ... NX GET
# would do it in one command, but only from Redis 7; this runs on 5+.
_BIND = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
"""

_BATCH = 500  # entries per HSET when writing rows done while Redis was unavailable
_MAX_UNSAVED = 100_000  # about 25 MB: past it, a long outage's rows rely on idempotency keys


@attrs.frozen
class _Keys:
    binding: str
    rows: str


class RedisJournal:
    """A `Journal` in one Redis hash: a row done by any worker is skipped by all, and by reruns.

    Its keys are ``{prefix}:journal:{<name>}:*``; ``name`` defaults to a SHA-256 fingerprint of
    the binding's matching fields (input content, target, kind, job; not ``source_name``, so a
    renamed copy of a file shares its journal), so every worker importing the same file to the
    same place shares one journal without naming it. Entries hold row ids, statuses and
    resource ids only, one JSON object per row as in a `FileJournal`'s lines. Works with
    clients made with or without ``decode_responses``.

    ``bind`` raises JournalError when Redis cannot be reached (before any row is sent). Later,
    Redis failing never fails the import; it fails open as `RedisBudget` does: a lookup that
    cannot be answered within ``timeout`` seconds is "not done" (the row's deterministic
    idempotency key still keeps it from being created twice), done rows are kept in memory and
    written once Redis answers again (or by `aclose`), and Redis is tried again after
    ``retry_interval`` seconds, doubled after each failed try up to ``max_retry_interval``;
    in between, calls return at once. One warning per outage, an info line when it ends. A
    damaged entry is a warning naming its row, which is then treated as not done.
    """

    __slots__ = (
        "_closed",
        "_dropped",
        "_fail_open",
        "_keys",
        "_owns",
        "_prefix",
        "_redis",
        "_script",
        "_unsaved",
        "name",
    )

    def __init__(
        self,
        redis: str | Redis,
        *,
        name: str | None = None,
        prefix: str = "instaview",
        timeout: float = 0.5,
        retry_interval: float = 1.0,
        max_retry_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        refuse_trio()
        if timeout <= 0 or retry_interval < 0 or max_retry_interval < retry_interval:
            raise ValueError("timeout must be > 0 and 0 <= retry_interval <= max_retry_interval")
        self._owns = isinstance(redis, str)
        self._redis: Redis = from_url(redis, timeout) if isinstance(redis, str) else redis
        self._script = self._redis.register_script(_BIND)
        self._prefix = prefix
        self._fail_open = FailOpen(
            "journal in Redis",
            where(self._redis),
            "rows are sent under their idempotency keys without it, and done rows are written "
            "to it once Redis answers",
            timeout=timeout,
            retry_interval=retry_interval,
            max_retry_interval=max_retry_interval,
            clock=clock,
        )
        self._keys: _Keys | None = None
        self._unsaved: dict[str, str] = {}  # row id -> entry, done while Redis was unavailable
        self._dropped = 0  # done rows not kept, past _MAX_UNSAVED
        self._closed = False
        self.name = name
        """The journal's name in Redis; set by `bind` when not given."""

    def __repr__(self) -> str:
        return f"RedisJournal({where(self._redis)}, name={self.name!r})"

    @property
    def unsaved(self) -> int:
        """Done rows recorded here that Redis does not have yet (it was unavailable)."""
        return len(self._unsaved) + self._dropped

    async def bind(self, binding: JournalBinding) -> None:
        """Claim the journal for ``binding`` (shared by every worker bound alike).

        Raises JournalMismatchError if the journal is another run's, and JournalError if Redis
        cannot be reached, holds something else under the journal's key, or this journal is
        already bound (as a `FileJournal` is bound once).
        """
        require_asyncio()
        if self._keys is not None:
            raise JournalError(f"{self!r} is already bound")
        name = self.name or _fingerprint(binding)
        base = f"{self._prefix}:journal:{{{name}}}"
        keys = _Keys(binding=f"{base}:binding", rows=f"{base}:rows")
        try:
            with anyio.fail_after(max(self._fail_open.timeout, COLD)):  # it also connects
                stored = await self._script(keys=[keys.binding], args=[binding.to_json()])
        except Exception as exc:
            raise JournalError(
                f"cannot use the journal in Redis at {where(self._redis)}: "
                f"{type(exc).__name__}: {str(exc) or 'no answer'}"
            ) from None
        text = stored.decode(errors="replace") if isinstance(stored, bytes) else stored
        try:
            theirs = JournalBinding.from_json(text)
        except JournalError as exc:  # "not a journal binding: <why>"
            raise JournalError(
                f"the key {keys.binding} in Redis at {where(self._redis)} is {exc}; delete it "
                "or pass another name="
            ) from None
        if (reason := theirs.mismatch(binding)) is not None:
            raise JournalMismatchError(f"journal {name} cannot be used: {reason}")
        self.name, self._keys = name, keys
        self._fail_open.answered()

    async def get(self, row_id: str) -> JournalEntry | None:
        """The entry for ``row_id`` if any worker recorded it; None if not (or unreachable)."""
        keys = self._bound()
        if (kept := self._unsaved.get(row_id)) is not None:
            return _entry(kept.encode())
        raw = await self._run("hget", keys.rows, row_id)
        if raw is None or raw is UNAVAILABLE:
            return None
        return self._parse(row_id, raw)

    async def record(self, entry: JournalEntry) -> None:
        """Record a done row for every worker (kept here until Redis takes it)."""
        self._bound()
        if len(self._unsaved) < _MAX_UNSAVED or entry.row_id in self._unsaved:
            self._unsaved[entry.row_id] = _value(entry)
        else:
            self._dropped += 1
        await self._save()

    async def entries(self) -> dict[str, JournalEntry]:
        """Every recorded row, by row id (for reports and tests); JournalError if unreachable."""
        keys = self._bound()
        found: dict[str, JournalEntry] = {}
        cursor: Any = 0
        while True:
            reply = await self._run("hscan", keys.rows, cursor, count=1000)
            if reply is UNAVAILABLE:
                raise JournalError(
                    f"cannot read the journal in Redis at {where(self._redis)}: "
                    f"{self._fail_open.cause}"
                )
            cursor, raw = reply
            for field, value in raw.items():
                row_id = _text(field)
                if (entry := self._parse(row_id, value)) is not None:
                    found[row_id] = entry
            if int(cursor) == 0:
                break
        for row_id, kept in self._unsaved.items():
            if (entry := _entry(kept.encode())) is not None:
                found[row_id] = entry
        return found

    async def aclose(self) -> None:
        """Write what Redis does not have yet (one last try, bounded), then close the
        connections of a client made from a URL; idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._keys is not None and self._unsaved:
            self._fail_open.retry_now()  # there is no later
            with anyio.CancelScope(shield=True):  # bounded by the timeout of each call
                await self._save()
        if self.unsaved:
            logger.warning(
                "journal %s in Redis at %s: %d done rows could not be written to it; a rerun "
                "sends them again under their idempotency keys",
                self.name,
                where(self._redis),
                self.unsaved,
            )
        if self._owns:
            await self._redis.aclose()

    async def __aenter__(self) -> RedisJournal:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _bound(self) -> _Keys:
        if self._keys is None:
            raise JournalError("the Redis journal is not bound (call bind first)")
        return self._keys

    async def _save(self) -> None:
        """Write the kept entries, a batch at a time, until done or Redis fails."""
        keys = self._bound()
        while self._unsaved:
            batch = dict(itertools.islice(self._unsaved.items(), _BATCH))
            if await self._run("hset", keys.rows, mapping=batch) is UNAVAILABLE:
                return
            for row_id, value in batch.items():
                if self._unsaved.get(row_id) == value:  # not recorded anew meanwhile
                    del self._unsaved[row_id]

    def _parse(self, row_id: str, raw: bytes | str) -> JournalEntry | None:
        """The entry Redis holds for ``row_id``, or None (with a warning) if it is damaged."""
        entry = _entry(raw.encode() if isinstance(raw, str) else raw)
        if entry is not None and entry.row_id == row_id:
            return entry
        # Not done, rather than an error that would stop the whole import: the row is sent
        # again under its idempotency key, and its new entry replaces the damaged one.
        logger.warning(
            "journal %s in Redis at %s: the entry of row %s is damaged (not a journal entry); "
            "the row is treated as not done",
            self.name,
            where(self._redis),
            row_id,
        )
        return None

    async def _run(self, command: str, *args: Any, **kwargs: Any) -> Any | Unavailable:
        """The reply to one command, or UNAVAILABLE when Redis cannot answer now."""
        require_asyncio()
        call = functools.partial(getattr(self._redis, command), *args, **kwargs)
        return await self._fail_open.run(call)


def _fingerprint(binding: JournalBinding) -> str:
    """The default name: a hash of the fields that take part in matching, and only those."""
    fields = attrs.asdict(binding, filter=lambda attribute, _: attribute.eq is not False)
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:32]


def _value(entry: JournalEntry) -> str:
    """An entry as Redis holds it: the same JSON object as a `FileJournal` line."""
    return json.dumps({"row": entry.row_id, "status": entry.status, "id": entry.resource_id})


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
