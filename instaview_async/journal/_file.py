"""A journal in a JSON Lines file: the CLI's ``--journal PATH``.

The first line is a header holding the binding; every later line is one done row. Lines are
appended and flushed one at a time, so a run killed at any point leaves every recorded row
on disk, and at worst a torn last line, which the next run cuts off (that row is simply
sent again, under the same idempotency key).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

import anyio
import attrs

from ._base import DoneStatus, JournalBinding, JournalEntry, JournalError, JournalMismatchError

__all__ = ["FileJournal"]

_MAGIC = "instaview_journal"
_VERSION = 1
_STATUSES: tuple[DoneStatus, ...] = ("created", "existing")


class FileJournal:
    """A `Journal` kept in one append-only file; it holds no secrets (ids and statuses only).

    Entries are also kept in memory, as row id -> resource id per status (no object per row:
    about 180 bytes a row), so ``get`` costs no I/O.
    Writes are plain blocking appends of one short line: cheaper than a thread hop per row.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._done: dict[str, dict[str, str | None]] = {"created": {}, "existing": {}}
        self._handle: IO[str] | None = None

    def __repr__(self) -> str:
        return f"FileJournal({str(self.path)!r})"

    async def bind(self, binding: JournalBinding) -> None:
        """Open the file, creating it bound to ``binding``, or check and load an existing one.

        Raises JournalMismatchError if the file was made for another run, and JournalError if
        it is not a journal or is damaged before its last line (the file is left untouched).
        """
        await anyio.to_thread.run_sync(self._bind, binding)

    async def get(self, row_id: str) -> JournalEntry | None:
        """The entry for ``row_id``, if an earlier or this run recorded it."""
        for status in _STATUSES:
            ids = self._done[status]
            if row_id in ids:
                return JournalEntry(row_id=row_id, status=status, resource_id=ids[row_id])
        return None

    async def record(self, entry: JournalEntry) -> None:
        """Append ``entry`` and flush it to the operating system."""
        if self._handle is None:
            raise JournalError(f"journal {self.path} is not bound (call bind first) or closed")
        record = {"row": entry.row_id, "status": entry.status, "id": entry.resource_id}
        self._handle.write(json.dumps(record) + "\n")
        self._handle.flush()
        self._keep(entry)

    async def aclose(self) -> None:
        """Close the file (idempotent)."""
        if self._handle is not None:
            handle, self._handle = self._handle, None
            handle.close()

    def _bind(self, binding: JournalBinding) -> None:
        if self._handle is not None:
            raise JournalError(f"journal {self.path} is already bound")
        if self.path.exists() and self.path.stat().st_size > 0:
            self._load(binding)
        if not self.path.exists() or self.path.stat().st_size == 0:
            self._handle = self.path.open("w", encoding="utf-8")
            header = {_MAGIC: _VERSION, "binding": attrs.asdict(binding)}
            self._handle.write(json.dumps(header) + "\n")
            self._handle.flush()
        else:
            self._handle = self.path.open("a", encoding="utf-8")

    def _load(self, wanted: JournalBinding) -> None:
        data = self.path.read_bytes()
        complete, _, torn = data.rpartition(b"\n")
        lines = complete.split(b"\n") if complete else []
        if not lines:  # no complete line: a header torn while being written, or not ours
            if not torn.startswith(b'{"' + _MAGIC.encode()):
                raise JournalError(f"{self.path} is not an instaview journal")
            self._truncate(0)
            return
        stored = self._header(lines[0])
        if (reason := stored.mismatch(wanted)) is not None:
            raise JournalMismatchError(f"journal {self.path} cannot be used for this run: {reason}")
        for number, line in enumerate(lines[1:], start=2):
            entry = _entry(line)
            if entry is None:
                raise JournalError(
                    f"journal {self.path} is damaged at line {number}: not a journal entry"
                )
            self._keep(entry)
        if torn:  # the last append was cut short by a crash: drop it, redo that row
            self._truncate(len(complete) + 1)

    def _keep(self, entry: JournalEntry) -> None:
        other = "existing" if entry.status == "created" else "created"
        self._done[other].pop(entry.row_id, None)  # the last entry for a row wins
        self._done[entry.status][entry.row_id] = entry.resource_id

    def _header(self, line: bytes) -> JournalBinding:
        try:
            header = json.loads(line)
            if header.get(_MAGIC) != _VERSION:
                raise ValueError("no header")
            return JournalBinding(**header["binding"])
        except (ValueError, TypeError, KeyError, AttributeError):
            raise JournalError(f"{self.path} is not an instaview journal") from None

    def _truncate(self, size: int) -> None:
        with self.path.open("r+b") as handle:
            handle.truncate(size)


def _entry(line: bytes) -> JournalEntry | None:
    try:
        record = json.loads(line)
        row, status, resource_id = record["row"], record["status"], record.get("id")
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(row, str) or status not in ("created", "existing"):
        return None
    if resource_id is not None and not isinstance(resource_id, str):
        return None
    return JournalEntry(row_id=row, status=status, resource_id=resource_id)
