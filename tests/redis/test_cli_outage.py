"""`instaview import ... --redis URL` says, without -v, when sharing through Redis stops."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from instaview_async.cli import main
from instaview_async.testing import FakeInstaView, Faults
from tests.cli.conftest import Served, _serving, by_line

from ._redis_server import RedisServer

ROWS = 80


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """The fake on a socket, 50 ms per request: 80 rows two at a time take about 2 s."""
    with _serving(FakeInstaView(faults=Faults(latency=0.05)), monkeypatch) as served:
        yield served


def _rows(path: Path) -> Path:
    lines = ["First Name,Last Name,Phone Number"]
    lines += [f"Ph,R{i},+4219{i:08d}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _when(served: Served, rows: int) -> None:
    deadline = time.monotonic() + 30
    while len(served.fake.candidates) < rows and time.monotonic() < deadline:
        time.sleep(0.005)


def test_redis_dying_mid_run_is_one_warning_each_for_budget_and_journal(
    slow: Served, redis_server: RedisServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Redis killed after 5 rows and restarted after 20: stderr says once, in the command's
    one-line style, that the rate-limit budget and the journal are no longer shared, and
    notes when Redis answers again; the import completes, each row created once."""
    source, report = _rows(tmp_path / "people.csv"), tmp_path / "report.jsonl"

    def outage() -> None:
        _when(slow, 5)
        redis_server.kill()
        _when(slow, 20)
        redis_server.start()

    watcher = threading.Thread(target=outage)
    watcher.start()
    try:
        args = ["import", "candidates", str(source), "--redis", redis_server.url]
        code = main([*args, "--report", str(report), "--concurrency", "2"])
    finally:
        watcher.join()
    err = capsys.readouterr().err
    assert code == 0, err
    assert [row["status"] for row in by_line(report).values()] == ["created"] * ROWS
    assert max(Counter(c["phoneNumber"] for c in slow.fake.candidates.values()).values()) == 1
    lines = err.splitlines()
    where = f"Redis at 127.0.0.1:{redis_server.port}/0"
    budget = [x for x in lines if x.startswith(f"warning: shared rate-limit budget: {where}")]
    journal = [x for x in lines if x.startswith(f"warning: journal in {where} unavailable")]
    assert len(budget) == len(journal) == 1, err
    assert f"note: shared rate-limit budget: {where} answers again" in lines, err
    assert f"note: journal in {where} answers again" in lines, err
    assert all(x.startswith(("warning: ", "note: ")) for x in lines if "Redis" in x), err
    assert "Traceback" not in err
