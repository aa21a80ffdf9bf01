"""What the command prints: progress with a known total, each failure once, a full account."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from instaview_async.cli import main
from instaview_async.cli._progress import make_progress

from .conftest import Served, by_line, make_jobs


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_without_a_terminal_progress_is_one_plain_line_every_few_seconds() -> None:
    """Not a tty: a status line per interval with count, percentage, rate and ETA; no bar."""
    out, clock = io.StringIO(), _Clock()
    progress = make_progress(100, out, interval=5.0, clock=clock)
    for _ in range(40):  # 40 rows in 10 s: 4 rows/s, 60 left -> 15 s
        clock.now += 0.25
        progress.advance("created")
    progress.note("line 7: failed: something")
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines == [
        "importing: 20/100 rows (20%), created 20, 4 rows/s, ETA 0:20",
        "importing: 40/100 rows (40%), created 40, 4 rows/s, ETA 0:15",
        "line 7: failed: something",
        "finished: 40/100 rows (40%), created 40, 4 rows/s, ETA 0:15",
    ]


def test_a_quiet_import_still_reports_every_interval() -> None:
    """tick() (called every second by the run) prints even when no row finished."""
    out, clock = io.StringIO(), _Clock()
    progress = make_progress(10, out, interval=5.0, clock=clock)
    clock.now += 6
    progress.tick()
    assert out.getvalue() == "importing: 0/10 rows (0%), 0 rows/s, ETA ?\n"


def test_duplicates_are_existing_with_their_lines_and_failures_print_once(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A repeated email for the job is 'existing' at its own line; each failure is printed once;
    the total is counted before the first request."""
    (job_id,) = make_jobs(served)
    source = tmp_path / "people.csv"
    source.write_text(
        "first_name,last_name,email\n"
        "Ada,Lovelace,ada@x.io\n"
        "Bad,Row,not-an-email\n"
        "Ada,Again,ADA@x.io\n"
        "Ada,Third,ada@x.io\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.jsonl"
    args = ["import", "candidates", str(source), "--job-id", job_id, "--report", str(report)]
    assert main(args) == 1
    rows = by_line(report)
    assert rows[2]["status"] == "created"
    assert rows[4]["status"] == rows[5]["status"] == "existing"
    assert rows[4]["id"] == rows[5]["id"] == rows[2]["id"]
    assert rows[3]["status"] == "failed" and rows[3]["error"]["code"] == "VALIDATION_ERROR"
    captured = capsys.readouterr()
    assert captured.err.count("line 3") == 1
    assert "finished: 4/4 rows (100%)" in captured.err
    assert "existing" in captured.out


def test_all_rows_done_exits_0(tmp_path: Path, served: Served) -> None:
    """Every row created or existing: exit 0."""
    source = tmp_path / "people.jsonl"
    source.write_text('{"first_name": "A", "last_name": "B", "phone": "+421900000009"}\n')
    assert main(["import", "candidates", str(source)]) == 0
    assert len(served.fake.candidates) == 1


def test_demo_accounts_for_every_row_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """instaview demo imports under faults and exits 0 with every row accounted for."""
    assert main(["demo", "--rows", "60", "--concurrency", "8", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "every row accounted for, no duplicates" in out
    assert "created" in out and "breaker trips" in out


def test_a_stopped_run_counts_only_the_rows_it_did() -> None:
    """After Ctrl-C the last line says "stopped" and counts the rows done, with no ETA: the
    rows never sent are in the account that follows, not in a bar at 100%."""
    out, clock = io.StringIO(), _Clock()
    progress = make_progress(100, out, interval=5.0, clock=clock)
    for status in ["created"] * 15 + ["failed"] * 3:
        clock.now += 0.1
        progress.advance(status)
    progress.close(stopped=True)
    assert (
        out.getvalue().splitlines()[-1]
        == "stopped: 18/100 rows (18%), created 15, failed 3, 10 rows/s"
    )


def test_the_account_of_a_shard_names_the_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --shard I/N the final account's title says which shard it counts."""
    source = tmp_path / "people.csv"
    source.write_text("first_name,last_name,email\n" + "A,B,a@x.io\nC,D,c@x.io\nE,F,e@x.io\n")
    assert main(["import", "candidates", str(source), "--fake", "--shard", "1/3"]) == 0
    out = capsys.readouterr().out
    assert "people.csv, shard 1/3" in out


def test_without_v_only_redis_outages_of_the_sdk_log_reach_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The SDK's log lines stay hidden without -v, except the Redis ones (warnings and the
    info that Redis answers again), each as one line; main leaves logging as it found it."""
    import logging

    import instaview_async.cli as cli

    def dispatch(args: object, words: object) -> int:
        logging.getLogger("instaview_async").warning("circuit breaker opened")
        logging.getLogger("instaview_async.middleware.retry").info("retrying")
        redis = logging.getLogger("instaview_async.contrib.redis")
        redis.warning("budget: Redis at h:1/0 unavailable (Error:\n  refused)")
        redis.info("budget: Redis at h:1/0 answers again")
        redis.debug("a detail")
        return 0

    monkeypatch.setattr(cli, "_dispatch", dispatch)
    assert main(["demo"]) == 0
    assert capsys.readouterr().err == (
        "warning: budget: Redis at h:1/0 unavailable (Error: refused)\n"
        "note: budget: Redis at h:1/0 answers again\n"
    )
    redis = logging.getLogger("instaview_async.contrib.redis")
    assert redis.handlers == [] and redis.level == logging.NOTSET
