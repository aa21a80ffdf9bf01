"""Start worker processes, release them together, and collect their JSON reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio

__all__ = ["Workers"]

ROOT = Path(__file__).resolve().parents[2]


class Workers:
    """Worker processes (``tests.redis._worker``), one per config, killed if left running."""

    def __init__(self, configs: list[dict[str, Any]]) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.redis._worker", json.dumps(config)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for config in configs
        ]

    async def ready(self) -> None:
        """Wait until every worker has built its client."""
        for process in self.processes:
            assert process.stdout is not None
            line = await anyio.to_thread.run_sync(process.stdout.readline)
            assert line.strip() == "ready", f"worker {process.pid} said {line!r}"

    def go(self) -> None:
        """Release every worker at once."""
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()

    async def reports(self) -> list[dict[str, Any]]:
        """Each worker's report, once all have exited with status 0 (within a minute)."""
        with anyio.fail_after(60):
            outputs = [await anyio.to_thread.run_sync(p.communicate) for p in self.processes]
        for process in self.processes:
            assert process.returncode == 0, f"worker {process.pid} exited {process.returncode}"
        return [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]

    def kill(self) -> None:
        """Kill (by pid) whatever is still running."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(5)
