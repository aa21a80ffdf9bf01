"""Row 5: cold ``import instaview_async`` against importing its four dependencies alone.

Each sample is a fresh interpreter that times only the import statement (interpreter start-up
is the same for both and left out), in CPU time (see `_timing.cpu_clock`); bytecode is written
on the warm-up run, as pip does on install, even where ``PYTHONDONTWRITEBYTECODE`` is set.
Samples alternate between the two sides; the median of the per-pair ratios is reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ._timing import Row, interleave_sync, median_ratio

__all__ = ["run"]

_TIMED = "import time; t = time.process_time(); {stmt}; print(time.process_time() - t)"
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_SIDES = {
    "SDK": "import instaview_async",
    "deps": "import httpx, attrs, cattrs, anyio",
}


def _import_time(stmt: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TIMED.format(stmt=stmt)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env=_ENV,
    ).stdout
    return float(out)


async def run(*, quick: bool) -> list[Row]:
    """Time both imports in fresh processes, alternating, and compare their medians."""
    rounds = 7 if quick else 21
    for stmt in _SIDES.values():  # warm up: write the .pyc files and the OS file cache
        _import_time(stmt)
    samples = interleave_sync(
        {name: (lambda s=stmt: _import_time(s)) for name, stmt in _SIDES.items()}, rounds
    )
    ratio = median_ratio(samples, "SDK", "deps")
    sdk_ms = sorted(samples["SDK"])[len(samples["SDK"]) // 2] * 1000
    deps_ms = sorted(samples["deps"])[len(samples["deps"]) // 2] * 1000
    return [
        Row(
            measure="cold import",
            subject="import instaview_async",
            baseline="import httpx, attrs, cattrs, anyio",
            ratio=ratio,
            target="<= 1.5",
            met=ratio <= 1.5,
            note=f"time ratio; medians {sdk_ms:.0f} ms vs {deps_ms:.0f} ms",
        )
    ]
