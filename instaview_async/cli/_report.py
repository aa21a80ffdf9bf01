"""``--report PATH``: one JSON line per data row, written as each row finishes.

Each line is flushed at once, so a run killed at any point leaves a valid report of every row
finished before the kill. Fields: ``line`` (where the row starts in the file; the CSV header is
line 1), ``status`` (``created``, ``existing``, ``failed``, ``skipped``), ``id`` when known,
``error`` (``code`` and ``message``) when failed, ``reason`` when skipped, and ``earlier``
(``created`` or ``existing``) for a row skipped as done in an earlier run: a rerun's report
accounts for every row on its own, so it may replace the earlier run's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

__all__ = ["Report"]


class Report:
    """Appends report lines to a file, or does nothing when there is no ``--report``."""

    def __init__(self, path: Path | None) -> None:
        self._handle: IO[str] | None = None
        if path is not None:
            self._handle = path.open("w", encoding="utf-8")

    def row(
        self,
        line: int,
        status: str,
        *,
        resource_id: str | None = None,
        error: tuple[str, str] | None = None,
        earlier: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Write and flush one row's line."""
        if self._handle is None:
            return
        record: dict[str, Any] = {"line": line, "status": status}
        if resource_id is not None:
            record["id"] = resource_id
        if error is not None:
            record["error"] = {"code": error[0], "message": error[1]}
        if earlier is not None:
            record["earlier"] = earlier
        if reason is not None:
            record["reason"] = reason
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
