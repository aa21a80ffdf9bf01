"""Stopping a run midway (SIGKILL, Ctrl-C) and rerunning it: every row once, none lost."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from .conftest import Served, by_line, report_lines

ROWS = 200
COMMAND = [sys.executable, "-m", "instaview_async.cli"]


def _phone_rows(path: Path) -> Path:
    # Phone-only rows: no email, so only the journal and idempotency keys prevent duplicates.
    lines = ["First Name,Last Name,Phone Number"]
    lines += [f"Ph,R{i},+4219{i:08d}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for_lines(report: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        if report.exists() and len(report.read_text().splitlines()) >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"the run did not reach {count} report lines")


def _each_phone_once(served: Served) -> None:
    phones = Counter(c["phoneNumber"] for c in served.fake.candidates.values())
    assert len(phones) == ROWS
    assert max(phones.values()) == 1


def test_sigkill_leaves_a_valid_report_and_a_journal_the_rerun_completes(
    tmp_path: Path, slow_served: Served
) -> None:
    """Killed midway (and a torn journal line): the report is valid JSON up to the kill and the
    rerun with the journal imports the rest, each row exactly once."""
    source = _phone_rows(tmp_path / "people.csv")
    journal, report = tmp_path / "import.journal", tmp_path / "first.jsonl"
    common = ["import", "candidates", str(source), "--journal", str(journal), "--concurrency", "4"]
    process = _start(*common, "--report", str(report))
    _wait_for_lines(report, 40, process)
    process.kill()
    process.communicate()
    first = report_lines(report)  # every line parses
    assert 40 <= len(first) < ROWS
    with journal.open("a") as handle:
        handle.write('{"row": "199", "sta')  # as if killed in the middle of a write
    second = tmp_path / "second.jsonl"
    rerun = subprocess.run(
        [*COMMAND, *common, "--report", str(second)], capture_output=True, text=True, timeout=60
    )
    assert rerun.returncode == 0, rerun.stderr
    rows = by_line(second)
    assert sorted(rows) == list(range(2, ROWS + 2))
    skipped = {line for line, row in rows.items() if row["status"] == "skipped"}
    assert skipped >= {row["line"] for row in first if row["status"] == "created"}
    _each_phone_once(slow_served)


def test_ctrl_c_finishes_rows_in_flight_and_prints_the_rerun_command(
    tmp_path: Path, slow_served: Served
) -> None:
    """Ctrl-C: exit 130, every row in the report (not done ones 'skipped'), a journal left
    behind without --journal, and the printed command finishes the import."""
    source = _phone_rows(tmp_path / "people.csv")
    report = tmp_path / "report.jsonl"
    process = _start(
        "import", "candidates", str(source), "--report", str(report), "--concurrency", "4"
    )
    _wait_for_lines(report, 40, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "interrupted: taking no more rows" in err
    assert "Traceback" not in err
    assert "skipped (not done)" in out
    rows = by_line(report)
    assert sorted(rows) == list(range(2, ROWS + 2))
    assert Counter(r["status"] for r in rows.values()).keys() <= {"created", "skipped"}
    (rerun_line,) = [line for line in err.splitlines() if line.startswith("to go on")]
    words = shlex.split(rerun_line.split(": ", 1)[1])
    assert words[0] == "instaview" and "--journal" in words
    assert Path(words[words.index("--journal") + 1]).exists()
    rerun = subprocess.run([*COMMAND, *words[1:]], capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    _each_phone_once(slow_served)
    posted = [r for r in slow_served.fake.requests if r.method == "POST"]
    assert len(posted) <= ROWS + 4  # at most the rows in flight at Ctrl-C are sent twice


def test_after_ctrl_c_the_rerun_report_still_gives_every_row_its_id(
    tmp_path: Path, slow_served: Served
) -> None:
    """Ctrl-C without --journal: the journal left behind holds each done row's id, so the
    printed rerun, which rewrites the same --report, reports those rows as skipped with their
    ids: the final report alone names every candidate created. The progress line says
    "stopped" and counts only the rows done."""
    source = _phone_rows(tmp_path / "people.csv")
    report = tmp_path / "report.jsonl"
    process = _start(
        "import", "candidates", str(source), "--report", str(report), "--concurrency", "4"
    )
    _wait_for_lines(report, 40, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    first = {r["line"]: r["id"] for r in report_lines(report) if r["status"] == "created"}
    (stopped,) = [line for line in err.splitlines() if line.startswith("stopped: ")]
    assert stopped.startswith(f"stopped: {len(first)}/{ROWS} rows"), stopped
    journal = tmp_path / "people.csv.journal"
    entries = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
    assert {int(e["row"]): e["id"] for e in entries} == first
    rerun = [*COMMAND, "import", "candidates", str(source), "--report", str(report)]
    done = subprocess.run(
        [*rerun, "--journal", str(journal)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    rows = by_line(report)
    assert sorted(rows) == list(range(2, ROWS + 2))
    for line, resource_id in first.items():
        assert rows[line] == {
            "line": line,
            "status": "skipped",
            "id": resource_id,
            "earlier": "created",
            "reason": "done in an earlier run",
        }
    assert {row["id"] for row in rows.values()} == set(slow_served.fake.candidates)


def test_sigterm_is_handled_like_ctrl_c(tmp_path: Path, slow_served: Served) -> None:
    """A service manager's SIGTERM stops the run the same orderly way (exit 130)."""
    source = _phone_rows(tmp_path / "people.csv")
    report, journal = tmp_path / "report.jsonl", tmp_path / "j"
    process = _start(
        "import", "candidates", str(source), "--report", str(report), "--journal", str(journal)
    )
    _wait_for_lines(report, 20, process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert f"--journal {journal}" in err
    done = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
    assert len(done) == sum(1 for r in report_lines(report) if r["status"] == "created")
    assert os.path.getsize(journal) > 0
