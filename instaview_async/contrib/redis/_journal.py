"""RedisJournal: the journal of done rows shared by every worker of one import."""

from __future__ import annotations

import hashlib
import json
import logging
from types import TracebackType
from typing import Any

import anyio
from redis.asyncio import Redis

from ...journal import JournalBinding, JournalEntry, JournalError, JournalMismatchError
from ._budget import _from_url, _refuse_trio, _require_asyncio, _where

__all__ = ["RedisJournal"]

logger = logging.getLogger("instaview_async")


class RedisJournal:
    """A `Journal` in one Redis hash: a row done by any worker is skipped by all, and by reruns.

    Its keys are ``{prefix}:journal:{<name>}:*``; ``name`` defaults to a SHA-256 fingerprint of
    the binding (input content, target, kind, job), so every worker importing the same file to
    the same place shares one journal without naming it. Entries hold row ids, statuses and
    resource ids only. ``bind`` raises JournalError when Redis cannot be reached (before any
    row is sent); later, a lookup or write that fails is logged once and treated as "not done":
    the row's deterministic idempotency key still keeps it from being created twice.
    """

    __slots__ = ("_keys", "_owns", "_prefix", "_redis", "_timeout", "_warned", "name")

    def __init__(
        self,
        redis: str | Redis,
        *,
        name: str | None = None,
        prefix: str = "instaview",
        timeout: float = 2.0,
    ) -> None:
        _refuse_trio()
        self._owns = isinstance(redis, str)
        self._redis: Redis = _from_url(redis, timeout) if isinstance(redis, str) else redis
        self._prefix = prefix
        self._timeout = timeout
        self._keys: tuple[str, str] | None = None
        self._warned = False
        self.name = name
        """The journal's name in Redis; set by `bind` when not given."""

    def __repr__(self) -> str:
        return f"RedisJournal({_where(self._redis)}, name={self.name!r})"

    async def bind(self, binding: JournalBinding) -> None:
        """Claim the journal for ``binding`` (shared by every worker bound alike)."""
        _require_asyncio()
        if self.name is None:
            self.name = hashlib.sha256(binding.to_json().encode()).hexdigest()[:32]
        base = f"{self._prefix}:journal:{{{self.name}}}"
        binding_key, entries = f"{base}:binding", f"{base}:rows"
        try:
            with anyio.fail_after(self._timeout):
                await self._redis.set(binding_key, binding.to_json(), nx=True)
                stored = await self._redis.get(binding_key)
        except Exception as exc:
            raise JournalError(
                f"cannot use the journal in Redis at {_where(self._redis)}: "
                f"{type(exc).__name__}: {exc or 'no answer'}"
            ) from None
        theirs = JournalBinding.from_json(stored.decode() if isinstance(stored, bytes) else stored)
        if (reason := theirs.mismatch(binding)) is not None:
            raise JournalMismatchError(f"journal {self.name} cannot be used: {reason}")
        self._keys = (binding_key, entries)

    async def get(self, row_id: str) -> JournalEntry | None:
        """The entry for ``row_id`` if any worker recorded it; None if not (or unreachable)."""
        raw = await self._call("hget", row_id)
        if raw is None:
            return None
        data = json.loads(raw)
        return JournalEntry(row_id=row_id, status=data["status"], resource_id=data.get("id"))

    async def record(self, entry: JournalEntry) -> None:
        """Record a done row for every worker."""
        value = json.dumps({"status": entry.status, "id": entry.resource_id})
        await self._call("hset", entry.row_id, value)

    async def entries(self) -> dict[str, JournalEntry]:
        """Every recorded row, by row id (for reports and tests)."""
        keys = self._bound()
        # redis-py types hgetall as sync-or-async; through Any it checks the same with or
        # without redis installed (a type: ignore would be unused when it is missing).
        hgetall: Any = self._redis.hgetall
        raw: dict[bytes, bytes] = await hgetall(keys[1])
        return {(k.decode() if isinstance(k, bytes) else k): _entry(k, v) for k, v in raw.items()}

    async def aclose(self) -> None:
        """Close the connections of a client made from a URL (idempotent)."""
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

    def _bound(self) -> tuple[str, str]:
        if self._keys is None:
            raise JournalError("the Redis journal is not bound (call bind first)")
        return self._keys

    async def _call(self, command: str, *args: str) -> bytes | None:
        keys = self._bound()
        try:
            with anyio.fail_after(self._timeout):
                result = await getattr(self._redis, command)(keys[1], *args)
        except Exception as exc:
            # Not done, as far as we can tell: the idempotency key is the second line of defence.
            if not self._warned:
                self._warned = True
                logger.warning(
                    "journal in Redis at %s unavailable (%s: %s); rows are sent under their "
                    "idempotency keys without it",
                    _where(self._redis),
                    type(exc).__name__,
                    exc or "no answer",
                )
            return None
        return result if isinstance(result, bytes) else None


def _entry(row_id: bytes | str, raw: bytes | str) -> JournalEntry:
    data = json.loads(raw)
    key = row_id.decode() if isinstance(row_id, bytes) else row_id
    return JournalEntry(row_id=key, status=data["status"], resource_id=data.get("id"))
