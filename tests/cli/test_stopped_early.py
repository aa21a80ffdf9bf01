"""Exit 3: the import stops early, names the cause once, and every row not done is skipped."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

from .conftest import Served, by_line

COMMAND = [sys.executable, "-m", "instaview_async.cli"]


def _people(path: Path, count: int = 30) -> Path:
    rows = "".join(f"P,R{i},p{i}@x.io\n" for i in range(count))
    path.write_text("First Name,Last Name,Email\n" + rows, encoding="utf-8")
    return path


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=120, env=env)


def test_an_unreachable_api_stops_the_import_with_exit_3(
    tmp_path: Path,
) -> None:
    """Nothing listening: one message naming host, port and the error; all rows skipped."""
    port = _closed_port()
    source = _people(tmp_path / "people.csv")
    report = tmp_path / "report.jsonl"
    env = {
        **os.environ,
        "INSTAVIEW_API_KEY": "sk_test_x",
        "INSTAVIEW_BASE_URL": f"http://127.0.0.1:{port}",
    }
    result = _run(["import", "candidates", str(source), "--report", str(report)], env)
    assert result.returncode == 3, result.stderr
    stopped = [line for line in result.stderr.splitlines() if "stopped early" in line]
    assert len(stopped) == 1
    assert f"127.0.0.1:{port}" in stopped[0]
    assert result.stderr.count("refused") == 1
    rows = by_line(report)
    assert sorted(rows) == list(range(2, 32))
    assert {row["status"] for row in rows.values()} == {"skipped"}
    assert "Traceback" not in result.stderr


def test_a_rejected_key_stops_the_import_and_the_rerun_finishes_it(
    tmp_path: Path, served: Served
) -> None:
    """A wrong key: exit 3 saying the key was rejected; the printed command, with the right
    key, imports every row once."""
    source = _people(tmp_path / "people.csv")
    report = tmp_path / "report.jsonl"
    wrong = {**os.environ, "INSTAVIEW_API_KEY": "sk_test_not_a_key_of_this_fake"}
    result = _run(["import", "candidates", str(source), "--report", str(report)], wrong)
    assert result.returncode == 3, result.stderr
    assert "the API key was rejected" in result.stderr
    assert {row["status"] for row in by_line(report).values()} == {"skipped"}
    assert len(served.fake.candidates) == 0
    (rerun,) = [line for line in result.stderr.splitlines() if line.startswith("to go on")]
    words = shlex.split(rerun.split(": ", 1)[1])
    again = _run(words[1:], dict(os.environ))
    assert again.returncode == 0, again.stderr
    assert len(served.fake.candidates) == 30
