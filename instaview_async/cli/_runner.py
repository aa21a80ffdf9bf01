"""Running a candidate import from parsed rows: progress, journal, and a full account."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Iterable, Mapping
from contextlib import aclosing
from typing import Any

import attrs

from .._bulk import BulkResult, row_key
from .._client import AsyncClient
from ..journal import Journal, JournalEntry
from ..models.candidates import Candidate
from ._progress import Progress
from ._rows import BadRow, SourceRow

__all__ = ["Tally", "run_import"]


@attrs.define
class Tally:
    """Where every input row ended up."""

    created: int = 0
    existing: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failures: list[tuple[int, str]] = attrs.field(factory=list)

    @property
    def total(self) -> int:
        """Rows accounted for."""
        return self.created + self.existing + self.failed + self.skipped

    def rows_per_second(self) -> float:
        """Rows sent to the API per second of wall time."""
        sent = self.created + self.existing + self.failed
        return sent / self.seconds if self.seconds > 0 else 0.0


async def run_import(
    client: AsyncClient,
    rows: Iterable[SourceRow | BadRow],
    *,
    job_id: str | None,
    concurrency: int,
    journal: Journal | None,
    progress: Progress,
) -> Tally:
    """Import rows as candidates; every row ends in the tally, failures with line and reason."""
    tally = Tally()
    lines: dict[int, int] = {}  # bulk index -> file line, only for rows in flight
    namespace = f"cli:candidates:{job_id or '-'}"

    def fail(line: int, reason: str) -> None:
        tally.failed += 1
        tally.failures.append((line, reason))
        progress.note(f"line {line}: failed: {reason}")
        progress.advance("failed")

    async def good_rows() -> AsyncGenerator[Mapping[str, Any], None]:
        index = 0  # the position bulk_create sees, which its results report back
        for item in rows:
            if isinstance(item, BadRow):
                fail(item.line, item.reason)
            elif journal is not None and await journal.get(str(item.line)) is not None:
                tally.skipped += 1
                progress.advance("skipped")
            else:
                lines[index] = item.line
                index += 1
                yield item.fields

    def key(index: int, fields: Mapping[str, Any]) -> str:
        # Keyed by file line, not stream position: a rerun that skips journaled rows still
        # sends the same key for a row whose first response was lost.
        return row_key(namespace, lines[index], fields)

    started = time.perf_counter()
    async with aclosing(good_rows()) as source:  # closed here even when the import is cancelled
        async for result in client.candidates.bulk_create(
            source, job_id=job_id, concurrency=concurrency, key=key
        ):
            await _account(result, lines.pop(result.index), tally, journal, fail, progress)
    tally.seconds = time.perf_counter() - started
    return tally


async def _account(
    result: BulkResult[Candidate],
    line: int,
    tally: Tally,
    journal: Journal | None,
    fail: Any,
    progress: Progress,
) -> None:
    if result.status == "failed":
        fail(line, _reason(result.error))
        return
    if result.status == "created":
        tally.created += 1
    else:
        tally.existing += 1
    if journal is not None:
        resource_id = result.value.id if result.value else None
        entry = JournalEntry(row_id=str(line), status=result.status, resource_id=resource_id)
        await journal.record(entry)
    progress.advance(result.status)


def _reason(error: Exception | None) -> str:
    if error is None:
        return "unknown error"
    return f"{type(error).__name__}: {error}"
