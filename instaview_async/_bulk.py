"""Bulk creation that accounts for every row: bounded concurrency and memory, no duplicates.

Rows are read lazily, at most ``concurrency`` are in flight, and at most ``concurrency``
finished results wait for the consumer, so memory does not grow with the number of rows. Each
row gets an idempotency key derived from its position and content, so rerunning an interrupted
import replays instead of writing again. Every row yields exactly one `BulkResult`, in
completion order (``index`` says which row it was).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import re
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
)
from contextlib import aclosing
from functools import partial
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar

import anyio
import attrs
from anyio.streams.memory import MemoryObjectSendStream

from ._converter import converter, to_camel
from ._exceptions import (
    ConflictError,
    ImportStoppedError,
    InstaViewError,
    ValidationError,
    _not_sent,
)
from ._outage import OutageGate, Stopped

__all__ = [
    "BulkImport",
    "BulkResult",
    "BulkStatus",
    "KeyFunction",
    "check_arguments",
    "row_fields",
    "row_key",
]

T = TypeVar("T")
BulkStatus = Literal["created", "existing", "failed", "skipped"]
Row = Mapping[str, Any] | Any
Create = Callable[[dict[str, Any], str], Awaitable[T]]
FindExisting = Callable[[ConflictError], Awaitable[T | None]]
KeyFunction = Callable[[int, Mapping[str, Any]], str]
"""Gives a row's idempotency key from its index and fields (default: `row_key`)."""


@attrs.frozen(kw_only=True)
class BulkResult(Generic[T]):
    """The outcome of one input row: created, already existing, failed, or skipped.

    ``skipped`` rows were not done because the import stopped early; their ``error`` is the
    `ImportStoppedError` saying why, and rerunning them is safe.
    """

    index: int
    status: BulkStatus
    value: T | None = None
    error: Exception | None = None
    idempotency_key: str | None = None

    @property
    def ok(self) -> bool:
        """True when the row is on the server (created now or before)."""
        return self.status in ("created", "existing")


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def row_fields(row: Row) -> dict[str, Any]:
    """A row as snake_case keyword arguments: from a mapping (snake or camel keys) or a model."""
    if attrs.has(type(row)):
        row = converter.unstructure(row)
    if not isinstance(row, Mapping):
        raise ValidationError(
            f"a row must be a mapping or a model, got {type(row).__name__}",
            code="VALIDATION_ERROR",
        )
    fields = _Fields()
    for written, value in row.items():
        if value in (None, ""):
            continue
        name = _CAMEL.sub("_", str(written)).lower()
        fields[name] = value
        fields.written[name] = str(written)
    return fields


class _Fields(dict[str, Any]):
    """A row's snake_case fields, remembering each key as the row wrote it, for errors."""

    def __init__(self) -> None:
        super().__init__()
        self.written: dict[str, str] = {}


def check_arguments(create: Callable[..., Any], fields: Mapping[str, Any], *, what: str) -> None:
    """Refuse a row whose fields ``create`` cannot take, as the SDK refuses a bad request.

    A required argument missing (named as the API does, camelCase), or a key with no argument
    of that name (named as the row wrote it), is a ValidationError (nothing sent) instead of
    Python's TypeError about a signature the row's author never wrote. The row fails alone,
    like any bad row.
    """
    takes, required = _arguments(getattr(create, "__func__", create))
    problems = {
        to_camel(name): "is required (empty or missing)" for name in required if name not in fields
    }
    written: Mapping[str, str] = getattr(fields, "written", {})
    for name in fields:
        # A key the call does not take is named as the row wrote it: its camelCase form
        # ("favouriteColour" for favourite_colour) is found nowhere in the user's data.
        if name == "idempotency_key":
            problems[written.get(name, name)] = "is set by the bulk import for each row (see key=)"
        elif name not in takes:
            problems[written.get(name, name)] = f"is not a field {what} takes"
    if problems:
        raise _not_sent(problems)


@functools.cache
def _arguments(function: Callable[..., Any]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The keyword-only arguments of ``function`` a row may give, and those it must give."""
    keywords = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "idempotency_key"
    ]
    required = tuple(p.name for p in keywords if p.default is inspect.Parameter.empty)
    return frozenset(p.name for p in keywords), required


def row_key(namespace: str, index: int, fields: Mapping[str, Any]) -> str:
    """A deterministic idempotency key for a row: the same import rerun gives the same keys."""
    canonical = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(f"{namespace}\x00{index}\x00{canonical}".encode()).hexdigest()
    return f"bulk-{digest[:40]}"


class BulkImport(Generic[T]):
    """An async iterator of `BulkResult`, one per input row; stop early with ``aclose``.

    ``async for`` runs the import to the end. To stop early, use it as an async context manager
    (or ``contextlib.aclosing``) so that rows in flight are cancelled cleanly. ``gate`` rides
    out outages and decides when the import stops by itself (see `OutageGate`).
    """

    def __init__(
        self,
        rows: Iterable[Row] | AsyncIterable[Row],
        *,
        create: Create[T],
        find_existing: FindExisting[T] | None,
        concurrency: int,
        namespace: str,
        gate: OutageGate,
        key: KeyFunction | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {concurrency}")
        self._rows = rows
        self._create = create
        self._find_existing = find_existing
        self._concurrency = concurrency
        self._namespace = namespace
        self._key = key
        self._gate = gate
        self._scope: anyio.CancelScope | None = None
        self._results = self._run()

    @property
    def stopped(self) -> ImportStoppedError | None:
        """Why the import stopped early (the error of its skipped rows), or None."""
        return self._gate.stopped

    def __aiter__(self) -> BulkImport[T]:
        return self

    async def __anext__(self) -> BulkResult[T]:
        return await self._results.__anext__()

    async def aclose(self) -> None:
        """Stop early: rows in flight are cancelled; their idempotency keys make a rerun safe."""
        if self._scope is not None:
            # Cancel the workers from outside, then let the generator run to its natural end:
            # throwing GeneratorExit into a task group would surface as an exception group.
            self._scope.cancel()
            async for _ in self._results:
                pass
        await self._results.aclose()

    async def __aenter__(self) -> BulkImport[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _run(self) -> AsyncGenerator[BulkResult[T], None]:
        send, receive = anyio.create_memory_object_stream[BulkResult[T]](self._concurrency)
        async with anyio.create_task_group() as tg:
            self._scope = tg.cancel_scope
            tg.start_soon(self._feed, send)
            async with receive:
                async for result in receive:
                    yield result

    async def _feed(self, send: MemoryObjectSendStream[BulkResult[T]]) -> None:
        slots = anyio.Semaphore(self._concurrency)
        rows = _aiter(self._rows)
        async with send, aclosing(rows), anyio.create_task_group() as workers:
            index = 0
            async for row in rows:
                if self._gate.stopped is not None:
                    # The rest of the input is accounted for without being attempted.
                    await send.send(self._skipped(index, None))
                else:
                    await slots.acquire()
                    workers.start_soon(self._work, index, row, send.clone(), slots)
                index += 1

    async def _work(
        self,
        index: int,
        row: Row,
        send: MemoryObjectSendStream[BulkResult[T]],
        slots: anyio.Semaphore,
    ) -> None:
        async with send:
            try:
                await send.send(await self._one(index, row))
            finally:
                slots.release()  # after the send: a slow consumer holds back new rows

    async def _one(self, index: int, row: Row) -> BulkResult[T]:
        key: str | None = None
        try:
            fields = row_fields(row)
            key = (
                row_key(self._namespace, index, fields)
                if self._key is None
                else self._key(index, fields)
            )
            value = await self._gate.call(partial(self._create, fields, key))
            return BulkResult(index=index, status="created", value=value, idempotency_key=key)
        except Stopped:
            return self._skipped(index, key)
        except ConflictError as conflict:
            if self._find_existing is None:
                return BulkResult(index=index, status="failed", error=conflict, idempotency_key=key)
            return await self._existing(index, key, conflict)
        except (InstaViewError, TypeError, ValueError) as error:
            # TypeError: a row with a field the create call does not take, or a missing one.
            return BulkResult(index=index, status="failed", error=error, idempotency_key=key)

    def _skipped(self, index: int, key: str | None) -> BulkResult[T]:
        error = self._gate.stopped
        return BulkResult(index=index, status="skipped", error=error, idempotency_key=key)

    async def _existing(
        self, index: int, key: str | None, conflict: ConflictError
    ) -> BulkResult[T]:
        assert self._find_existing is not None
        try:
            value = await self._find_existing(conflict)
        except InstaViewError:
            value = None  # it exists; failing to fetch it does not make the row fail
        return BulkResult(
            index=index, status="existing", value=value, error=conflict, idempotency_key=key
        )


async def _aiter(rows: Iterable[Row] | AsyncIterable[Row]) -> AsyncGenerator[Row, None]:
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield row
    else:
        for row in rows:
            yield row
