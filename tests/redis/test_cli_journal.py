"""`instaview import ... --redis URL`: the journal in Redis never stops an import or hides a row."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from instaview_async.cli import main
from instaview_async.testing import FakeInstaView, Faults
from tests.cli.conftest import Served, _serving, by_line

from ._redis_server import RedisServer

ROWS = 20


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """The fake on a socket, 50 ms per request, so that Redis can stall mid-import."""
    with _serving(FakeInstaView(faults=Faults(latency=0.05)), monkeypatch) as served:
        yield served


def _rows(path: Path) -> Path:
    lines = ["First Name,Last Name,Phone Number"]
    lines += [f"Ph,R{i},+4219{i:08d}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_damaged_entry_costs_its_row_a_resend_not_the_import(
    redis_server: RedisServer, redis_sync: redis.Redis, tmp_path: Path
) -> None:
    """A rerun whose journal has one damaged entry sends that row again and skips the rest."""
    source = _rows(tmp_path / "people.csv")
    args = ["import", "candidates", str(source), "--fake", "--redis", redis_server.url]
    assert main(args) == 0
    (rows_key,) = redis_sync.keys("instaview:journal:*:rows")
    redis_sync.hset(rows_key, "5", b"{not json")
    report = tmp_path / "again.jsonl"
    assert main([*args, "--report", str(report)]) == 0
    lines = by_line(report)
    assert lines.pop(5)["status"] == "created"
    assert {row["status"] for row in lines.values()} == {"skipped"}


def test_redis_stalled_to_the_end_every_row_is_reported_and_the_gap_is_named(
    slow: Served,
    redis_server: RedisServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Redis stalls mid-import and stays so: each row is created once and reported, the run
    ends, and it says how many done rows the journal in Redis lacks."""
    source = _rows(tmp_path / "people.csv")
    report = tmp_path / "report.jsonl"

    def stall_after_five_rows() -> None:
        deadline = time.monotonic() + 30
        while len(slow.fake.candidates) < 5 and time.monotonic() < deadline:
            time.sleep(0.005)
        redis_server.pause()

    watcher = threading.Thread(target=stall_after_five_rows)
    watcher.start()
    try:
        args = ["import", "candidates", str(source), "--redis", redis_server.url]
        code = main([*args, "--report", str(report), "--concurrency", "2"])
    finally:
        watcher.join()
        redis_server.resume()
    err = capsys.readouterr().err
    assert code == 0, err
    assert [row["status"] for row in by_line(report).values()] == ["created"] * ROWS
    assert max(Counter(c["phoneNumber"] for c in slow.fake.candidates.values()).values()) == 1
    assert "done rows could not be written to it" in err
