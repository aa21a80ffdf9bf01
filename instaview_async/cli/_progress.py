"""Progress of an import: a rich bar on a terminal, a plain line every few seconds elsewhere.

rich over tqdm: it draws the bar and the final account table with one dependency and is pure
Python. When the output is not a terminal (a log file, CI), a bar would be redrawn into the
log, so a plain status line is printed every ``interval`` seconds instead.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol, TextIO

__all__ = ["Progress", "make_progress", "print_table", "status_line"]

Clock = Callable[[], float]


class Progress(Protocol):
    """Counts finished rows by status and shows how far the import is."""

    def advance(self, status: str) -> None:
        """One more row finished with ``status``."""
        ...

    def note(self, message: str) -> None:
        """Print a message (above the bar, if there is one)."""
        ...

    def tick(self) -> None:
        """Called about once a second, so that a quiet import still shows it is alive."""
        ...

    def close(self, *, stopped: bool = False) -> None:
        """Finish the display; ``stopped``: the run ended before every row was done."""
        ...


class _Counts:
    """Rows done by status, rate and ETA; shared by both displays."""

    def __init__(self, total: int | None, clock: Clock) -> None:
        self.total = total
        self.by_status: Counter[str] = Counter()
        self._clock = clock
        self._started = clock()

    @property
    def done(self) -> int:
        return sum(self.by_status.values())

    def rate(self) -> float:
        """Rows sent to the API per second (rows skipped through the journal cost nothing)."""
        elapsed = self._clock() - self._started
        sent = self.done - self.by_status["skipped"]
        return sent / elapsed if elapsed > 0 else 0.0

    def eta(self) -> str:
        rate = self.rate()
        if self.total is None or rate <= 0:
            return "?"
        return _duration((self.total - self.done) / rate)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def status_line(counts: _Counts, *, eta: bool = True) -> str:
    """``1200/5000 rows (24%), created 1100, failed 100, 310 rows/s, ETA 0:12``."""
    done, total = counts.done, counts.total
    where = f"{done}/{total} rows ({100 * done // max(total, 1)}%)" if total else f"{done} rows"
    parts = [where] + [f"{status} {n}" for status, n in sorted(counts.by_status.items())]
    parts.append(f"{counts.rate():.0f} rows/s")
    if eta and total and done < total:
        parts.append(f"ETA {counts.eta()}")
    return ", ".join(parts)


class _Plain:
    def __init__(self, total: int | None, out: TextIO, interval: float, clock: Clock) -> None:
        self._counts = _Counts(total, clock)
        self._out = out
        self._interval = interval
        self._clock = clock
        self._last = clock()

    def advance(self, status: str) -> None:
        self._counts.by_status[status] += 1
        self.tick()

    def note(self, message: str) -> None:
        print(message, file=self._out, flush=True)

    def tick(self) -> None:
        if self._clock() - self._last >= self._interval:
            self._last = self._clock()
            self.note(f"importing: {status_line(self._counts)}")

    def close(self, *, stopped: bool = False) -> None:
        # A stopped run counts only the rows it did: the rest are in the account that follows.
        if stopped:
            self.note(f"stopped: {status_line(self._counts, eta=False)}")
        else:
            self.note(f"finished: {status_line(self._counts)}")


class _Rich:
    def __init__(self, total: int | None, out: TextIO, clock: Clock) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._counts = _Counts(total, clock)
        self._console = Console(file=out)
        self._bar = RichProgress(
            TextColumn("importing"),
            BarColumn(),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[summary]}"),
            console=self._console,
        )
        self._task = self._bar.add_task("import", total=total, summary="", rate="")
        self._bar.start()

    def advance(self, status: str) -> None:
        self._counts.by_status[status] += 1
        summary = "  ".join(f"{k} {v}" for k, v in sorted(self._counts.by_status.items()))
        self._bar.update(self._task, advance=1, summary=summary)

    def note(self, message: str) -> None:
        self._console.print(message, markup=False, highlight=False)

    def tick(self) -> None:
        self._bar.update(self._task, rate=f"{self._counts.rate():.0f} rows/s")

    def close(self, *, stopped: bool = False) -> None:
        self.tick()
        self._bar.stop()  # a stopped run's bar stays where the rows done left it


def make_progress(
    total: int | None,
    out: TextIO | None = None,
    *,
    interval: float = 5.0,
    clock: Clock = time.monotonic,
) -> Progress:
    """A rich bar when ``out`` (default stderr) is a terminal and rich is installed, else lines."""
    out = sys.stderr if out is None else out
    if _is_terminal(out):
        try:
            return _Rich(total, out, clock)
        except ImportError:
            pass
    return _Plain(total, out, interval, clock)


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


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
