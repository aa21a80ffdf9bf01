"""Run every benchmark row and print a table of ratios: ``python -m benchmarks [--quick]``."""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import time
from collections.abc import Awaitable, Callable

from . import bulk, decoding, imports, loopback, percall
from ._timing import Row

__all__ = ["main"]

_ROWS: dict[str, Callable[..., Awaitable[list[Row]]]] = {
    "percall": percall.run,
    "loopback": loopback.run,
    "decoding": decoding.run,
    "imports": imports.run,
    "bulk": bulk.run,
}


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, run the chosen rows, print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds: well under a minute")
    parser.add_argument("--only", choices=sorted(_ROWS), action="append", help="run only these")
    args = parser.parse_args(argv)
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
        f"{platform.python_version()}, {platform.machine()}, {_cpus()} CPUs"
        f"{', quick' if args.quick else ''}"
    )
    rows: list[Row] = []
    for name in args.only or list(_ROWS):
        started = time.perf_counter()
        found = asyncio.run(_ROWS[name](quick=args.quick))
        print(f"# {name}: {time.perf_counter() - started:.1f}s", file=sys.stderr)
        rows.extend(found)
    print(render(rows))


def render(rows: list[Row]) -> str:
    """A Markdown table of the rows, ready for benchmarks/README.md."""
    lines = [
        "| measure | subject | baseline | ratio | target | met | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ratio = "n/a" if row.ratio is None else f"{row.ratio:.2f}"
        met = {True: "yes", False: "**no**", None: "-"}[row.met]
        lines.append(
            f"| {row.measure} | {row.subject} | {row.baseline} | {ratio} | {row.target} "
            f"| {met} | {row.note} |"
        )
    return "\n".join(lines)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
