"""A journal of rows already done, so that a rerun of an import skips them."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["Journal"]


class Journal:
    """Append-only JSON Lines: one record per row that reached the server (created or existing).

    Failed rows are not journaled, so a rerun tries them again. Each record is flushed at once:
    an import killed midway loses at most the rows in flight, and those carry deterministic
    idempotency keys, so resending them creates nothing twice.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.done: set[int] = set()
        self._handle: IO[str] | None = None
        if path is not None and path.exists():
            self.done = _read_done(path)

    def __enter__(self) -> Journal:
        if self.path is not None:
            self._handle = self.path.open("a", encoding="utf-8")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.close()

    def record(self, line: int, status: str, resource_id: str | None) -> None:
        """Remember that ``line`` is on the server."""
        self.done.add(line)
        if self._handle is not None:
            self._handle.write(json.dumps({"line": line, "status": status, "id": resource_id}))
            self._handle.write("\n")
            self._handle.flush()


def _read_done(path: Path) -> set[int]:
    done: set[int] = set()
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(text)
        except ValueError:
            continue  # a line cut short by a crash: that row is simply redone
        if isinstance(record, dict) and isinstance(record.get("line"), int):
            done.add(record["line"])
    return done
