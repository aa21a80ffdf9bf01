"""The journal of a run without ``--journal``: done rows spooled to an anonymous temporary file.

Such a run keeps no journal unless it is interrupted or stops early; then the command leaves
one next to the input (``people.csv.journal``) so that the printed rerun skips the rows
already done. That journal must hold each row's resource id, or the rerun reports those rows
without one and, as it rewrites ``--report``, the ids would be in no report at all. Keeping
the ids in memory would make memory grow with the file; the spool keeps them on disk, in a
file the operating system removes when it is closed (or the process dies).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import IO

from ..journal import JournalBinding, JournalEntry, JournalError

__all__ = ["SpoolJournal"]


class SpoolJournal:
    """A `Journal` of this run's done rows only: ``get`` finds nothing done before."""

    def __init__(self) -> None:
        self._handle: IO[str] | None = None
        self.lost: str | None = None
        """Why the spool stopped keeping rows (the temporary directory full, ...), or None."""

    def __repr__(self) -> str:
        return "SpoolJournal()"

    async def bind(self, binding: JournalBinding) -> None:
        """Open the spool (the binding is the one of the journal it may become)."""
        if self._handle is not None:
            raise JournalError("the spool is already bound")
        # Not a context manager: the spool lives as long as the run, and aclose closes it.
        self._handle = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    async def get(self, row_id: str) -> JournalEntry | None:
        """None: a run without a journal skips nothing."""
        return None

    async def record(self, entry: JournalEntry) -> None:
        """Append ``entry`` (a short buffered write: no thread hop per row).

        A write that fails ends the spool, not the import: the user asked for no journal, and
        a rerun without one still creates nothing twice (idempotency keys).
        """
        if self.lost is not None:
            return
        record = {"row": entry.row_id, "status": entry.status, "id": entry.resource_id}
        try:
            self._bound().write(json.dumps(record) + "\n")
        except OSError as exc:
            self.lost = exc.strerror or str(exc)
            await self.aclose()

    def entries(self) -> Iterator[JournalEntry]:
        """Every entry recorded, in the order recorded (none once `lost`)."""
        if self.lost is not None:
            return
        handle = self._bound()
        handle.seek(0)
        for line in handle:
            row = json.loads(line)
            yield JournalEntry(row_id=row["row"], status=row["status"], resource_id=row["id"])
        handle.seek(0, 2)  # appends go on at the end

    async def aclose(self) -> None:
        """Close and so delete the spool (idempotent)."""
        if self._handle is not None:
            handle, self._handle = self._handle, None
            handle.close()

    def _bound(self) -> IO[str]:
        if self._handle is None:
            raise JournalError("the spool is not bound (call bind first) or closed")
        return self._handle
