"""Progress display: a rich progress bar when the ``cli`` extra is installed, plain lines if not.

rich over tqdm: it draws the bar and the final account table with one dependency, handles
terminals and pipes alike, and is pure Python.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any, Protocol, TextIO

__all__ = ["Progress", "make_progress", "print_table"]


class Progress(Protocol):
    """Counts finished rows by status."""

    def __enter__(self) -> Progress: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def advance(self, status: str) -> None:
        """One more row finished with ``status``."""
        ...

    def note(self, message: str) -> None:
        """Print a message above the bar."""
        ...


class _Plain:
    def __init__(self, total: int | None, out: TextIO) -> None:
        self._total = total
        self._out = out
        self._done = 0
        self._step = max(1, (total or 100) // 10)

    def __enter__(self) -> _Plain:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def advance(self, status: str) -> None:
        self._done += 1
        if self._done % self._step == 0 or self._done == self._total:
            total = f"/{self._total}" if self._total else ""
            print(f"  {self._done}{total} rows done", file=self._out)

    def note(self, message: str) -> None:
        print(message, file=self._out)


class _Rich:
    def __init__(self, total: int | None, out: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._console = Console(file=out)
        self._bar = RichProgress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[summary]}"),
            TimeElapsedColumn(),
            console=self._console,
        )
        self._counts: dict[str, int] = {}
        self._task = self._bar.add_task("import", total=total, summary="")

    def __enter__(self) -> _Rich:
        self._bar.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.__exit__(exc_type, exc, tb)

    def advance(self, status: str) -> None:
        self._counts[status] = self._counts.get(status, 0) + 1
        summary = "  ".join(f"{k} {v}" for k, v in sorted(self._counts.items()))
        self._bar.update(self._task, advance=1, summary=summary)

    def note(self, message: str) -> None:
        self._console.print(message, markup=False, highlight=False)


def make_progress(total: int | None, out: TextIO | None = None) -> Progress:
    """A rich bar if rich is installed, else plain lines; on stderr unless ``out`` is given."""
    out = sys.stderr if out is None else out
    try:
        import rich  # noqa: F401
    except ImportError:
        return _Plain(total, out)
    return _Rich(total, out)


def print_table(title: str, rows: list[tuple[str, Any]], out: TextIO | None = None) -> None:
    """Print a two-column account, with rich if available; on stdout unless ``out`` is given."""
    out = sys.stdout if out is None else out
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(title, file=out)
        for name, value in rows:
            print(f"  {name:<22} {value}", file=out)
        return
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, str(value))
    Console(file=out).print(table)
