"""Running an import: file records in, one account per row out (console, report, journal).

Every data row ends in exactly one of ``created``, ``existing``, ``failed`` or ``skipped``,
once in the tally and once in the report. Rows are read lazily and at most ``concurrency``
are in flight, so memory does not grow with the file (a run without ``--journal`` records its
done rows in a spool on disk, `SpoolJournal`, so that an interrupted one still leaves a
journal behind).
"""

from __future__ import annotations

import signal
import time
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterator, Mapping
from contextlib import aclosing, suppress
from typing import Any

import anyio
import attrs

from .._bulk import BulkImport, BulkResult, KeyFunction, row_key
from .._exceptions import APIError, ConflictError, InstaViewError, ValidationError
from ..journal import Journal, JournalEntry
from ..journal._base import DoneStatus
from ._columns import Plan, RowError
from ._progress import Progress
from ._report import Report
from ._source import BadLine, Record

__all__ = ["BulkFactory", "Interrupt", "Tally", "run_import"]

BulkFactory = Callable[[AsyncIterable[Mapping[str, Any]], KeyFunction], BulkImport[Any]]
"""Starts the bulk import of the given rows with the given idempotency-key function."""


@attrs.define
class Tally:
    """Where every input row ended up."""

    created: int = 0
    existing: int = 0
    failed: int = 0
    skipped: int = 0  # done in an earlier run (journal)
    not_done: int = 0  # skipped: the import stopped early or was interrupted
    seconds: float = 0.0
    stopped: InstaViewError | None = None
    interrupted: bool = False

    @property
    def total(self) -> int:
        """Rows accounted for."""
        return self.created + self.existing + self.failed + self.skipped + self.not_done

    def rows_per_second(self) -> float:
        """Rows sent to the API per second of wall time."""
        sent = self.created + self.existing + self.failed
        return sent / self.seconds if self.seconds > 0 else 0.0

    @property
    def unfinished(self) -> bool:
        """The run ended before every row was tried (stopped early or interrupted)."""
        return self.stopped is not None or self.interrupted


@attrs.define
class Interrupt:
    """Ctrl-C handling: the first stops taking rows and gives rows in flight ``grace`` seconds,
    the second stops at once."""

    grace: float = 10.0
    requested: bool = False
    scope: anyio.CancelScope | None = None

    def request(self, progress: Progress, in_flight: int) -> None:
        """Handle one Ctrl-C (or SIGTERM)."""
        if self.scope is None:
            return
        if self.requested:
            self.scope.cancel()
            return
        self.requested = True
        progress.note(
            f"interrupted: taking no more rows; waiting up to {self.grace:g} s for the "
            f"{in_flight} in flight (Ctrl-C again to stop now)"
        )
        self.scope.deadline = min(self.scope.deadline, anyio.current_time() + self.grace)


@attrs.define
class _Run:
    plan: Plan
    journal: Journal | None
    report: Report
    progress: Progress
    interrupt: Interrupt
    namespace: str
    tally: Tally = attrs.field(factory=Tally)
    lines: dict[int, int] = attrs.field(factory=dict)  # bulk index -> file line, in flight
    pending: list[Record | BadLine] = attrs.field(factory=list)  # read, not taken (Ctrl-C)

    def fail(self, line: int, code: str, message: str) -> None:
        self.tally.failed += 1
        self.report.row(line, "failed", error=(code, message))
        self.progress.note(f"line {line}: failed: {message}")
        self.progress.advance("failed")

    def not_done(self, line: int, reason: str) -> None:
        # Not advanced on the progress display: it counts rows done, and "stopped: 18/100"
        # says more than a bar at 100% of which 82 rows were never sent.
        self.tally.not_done += 1
        self.report.row(line, "skipped", reason=reason)

    async def rows(self, records: Iterator[Record | BadLine]) -> AsyncGenerator[Any, None]:
        index = 0  # the position bulk_create sees, which its results report back
        for item in records:
            if self.interrupt.requested:
                self.pending.append(item)
                return
            fields = await self._take(item)
            if fields is not None:
                self.lines[index] = item.line
                index += 1
                yield fields

    async def _take(self, item: Record | BadLine) -> dict[str, Any] | None:
        if isinstance(item, BadLine):
            self.fail(item.line, "INVALID_LINE", item.reason)
            return None
        try:
            fields = self.plan.fields(item.values)
            self.plan.check_row(fields)
        except RowError as exc:
            self.fail(item.line, "INVALID_LINE", str(exc))
            return None
        except ValidationError as exc:
            self.fail(item.line, *_error(exc))
            return None
        entry = None if self.journal is None else await self.journal.get(str(item.line))
        if entry is None:
            return fields
        self.tally.skipped += 1
        self.report.row(
            item.line,
            "skipped",
            resource_id=entry.resource_id,
            earlier=entry.status,
            reason="done in an earlier run",
        )
        self.progress.advance("skipped")
        return None

    def key(self, index: int, fields: Mapping[str, Any]) -> str:
        # Keyed by file line, not stream position: a rerun that skips journaled rows still
        # sends the same key for a row whose first response was lost.
        return row_key(self.namespace, self.lines[index], fields)

    async def account(self, result: BulkResult[Any]) -> None:
        line = self.lines.pop(result.index)
        status: str = result.status
        if status == "failed":
            code, message = _error(result.error)
            self.fail(line, code, message)
        elif status == "skipped":
            self._stopped(line, result.error)
        else:
            await self._done(line, status, _resource_id(result))

    async def _done(self, line: int, status: str, resource_id: str | None) -> None:
        done: DoneStatus = "created" if status == "created" else "existing"
        if done == "created":
            self.tally.created += 1
        else:
            self.tally.existing += 1
        # Reported before it is journaled: a journal that cannot write (a full disk) must not
        # keep a row that is on the server out of the report.
        self.report.row(line, status, resource_id=resource_id)
        self.progress.advance(status)
        if self.journal is not None:
            entry = JournalEntry(row_id=str(line), status=done, resource_id=resource_id)
            await self.journal.record(entry)

    def _stopped(self, line: int, error: Exception | None) -> None:
        if self.tally.stopped is None:  # printed once, at the end of the run
            self.tally.stopped = (
                error if isinstance(error, InstaViewError) else InstaViewError(str(error))
            )
        self.not_done(line, f"import stopped: {error}")


def _resource_id(result: BulkResult[Any]) -> str | None:
    value_id = getattr(result.value, "id", None)
    if isinstance(value_id, str):
        return value_id
    if isinstance(result.error, ConflictError):
        return result.error.existing_resource_id
    return None


def _error(error: Exception | None) -> tuple[str, str]:
    """(code, message) for the report: the API's code apart, the message with field reasons."""
    if isinstance(error, APIError):
        message = _with_fields(error) if isinstance(error, ValidationError) else error.message
        if error.request_id:
            message += f" (request_id={error.request_id})"
        return error.code or type(error).__name__, message
    if error is None:
        return "UNKNOWN", "unknown error"
    return type(error).__name__, str(error) or type(error).__name__


def _with_fields(error: ValidationError) -> str:
    """The message, plus the per-field reasons when the message does not already give them."""
    message = error.message
    missing = {k: v for k, v in error.field_errors.items() if k not in message}
    if not missing:
        return message
    return f"{message}: " + "; ".join(f"{field}: {why}" for field, why in missing.items())


async def run_import(
    bulk: BulkFactory,
    records: Iterator[Record | BadLine],
    *,
    plan: Plan,
    namespace: str,
    journal: Journal | None,
    report: Report,
    progress: Progress,
    interrupt: Interrupt | None = None,
) -> Tally:
    """Import ``records``; every row ends in the tally and the report exactly once."""
    run = _Run(plan, journal, report, progress, interrupt or Interrupt(), namespace)
    started = time.perf_counter()
    async with anyio.create_task_group() as helpers:
        helpers.start_soon(_tick, progress)
        helpers.start_soon(_watch_signals, run)
        try:
            await _consume(run, bulk, records)
        finally:
            helpers.cancel_scope.cancel()
    run.tally.seconds = time.perf_counter() - started
    _account_rest(run, records)
    return run.tally


async def _consume(run: _Run, bulk: BulkFactory, records: Iterator[Record | BadLine]) -> None:
    async with aclosing(run.rows(records)) as source:  # closed even when cancelled
        importer = bulk(source, run.key)
        async with importer:
            with anyio.CancelScope() as scope:
                run.interrupt.scope = scope
                try:
                    async for result in importer:
                        await run.account(result)
                finally:
                    # Closed inside this scope, in which its task group was opened: left open,
                    # an error raised by account (a journal that cannot write) would surface
                    # as anyio's "exit a cancel scope that isn't the current task's" instead.
                    await importer.aclose()
    if scope.cancelled_caught:
        run.tally.interrupted = True


def _account_rest(run: _Run, records: Iterator[Record | BadLine]) -> None:
    """After Ctrl-C: rows in flight and rows never taken are skipped, each in the report."""
    if not run.interrupt.requested:
        return
    before = run.tally.not_done
    for line in sorted(run.lines.values()):
        run.not_done(line, "interrupted while in flight; a rerun sends it again (same key)")
    run.lines.clear()
    for item in [*run.pending, *records]:
        run.not_done(item.line, "interrupted before it was sent")
    # Every row tried (the last ones finished within the grace period): the run is complete,
    # and a rerun command would have nothing to do.
    run.tally.interrupted = run.tally.not_done > before


async def _tick(progress: Progress) -> None:
    while True:
        await anyio.sleep(1.0)
        progress.tick()


async def _watch_signals(run: _Run) -> None:
    # Signal handlers can only be installed from the main thread; elsewhere (an embedding
    # application) Ctrl-C keeps its default behaviour.
    with (
        suppress(ValueError, RuntimeError, NotImplementedError),
        anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals,
    ):
        async for _ in signals:
            run.interrupt.request(run.progress, len(run.lines))
