"""``instaview import candidates FILE --redis URL --shard I/N``: N workers split one file."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from instaview_async.cli import main
from instaview_async.testing import FakeInstaView
from tests.cli.conftest import Served, _serving, report_lines

from ._redis_server import RedisServer

ROWS = 45
ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "instaview_async.cli", "import", "candidates"]


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """The fake on a socket, limited to 30 requests per 1-second window."""
    with _serving(FakeInstaView(requests_per_minute=30, minute_seconds=1.0), monkeypatch) as s:
        yield s


def _rows(path: Path) -> Path:
    # Phone-only rows: no email, so only the journal and idempotency keys prevent duplicates.
    lines = ["First Name,Last Name,Phone Number"]
    lines += [f"Ph,R{i},+4219{i:08d}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _shards(source: Path, redis_url: str, count: int, tmp_path: Path) -> list[Path]:
    reports = [tmp_path / f"shard{i}.jsonl" for i in range(count)]
    processes = [
        subprocess.Popen(
            [
                *COMMAND,
                str(source),
                "--redis",
                redis_url,
                "--shard",
                f"{i}/{count}",
                "--report",
                str(report),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, report in enumerate(reports)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    return reports


def test_three_shards_import_every_row_once_and_a_rerun_skips_them_all(
    limited: Served, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Row i goes to shard i mod 3; the reports together hold every line once; reruns skip."""
    source = _rows(tmp_path / "people.csv")
    reports = _shards(source, redis_server.url, 3, tmp_path)
    seen = [
        (i, row["line"], row["status"]) for i, r in enumerate(reports) for row in report_lines(r)
    ]
    assert sorted(line for _, line, _ in seen) == list(range(2, ROWS + 2))
    assert {status for _, _, status in seen} == {"created"}
    assert all((line - 2) % 3 == shard for shard, line, _ in seen)
    phones = Counter(c["phoneNumber"] for c in limited.fake.candidates.values())
    assert len(phones) == ROWS
    assert max(phones.values()) == 1

    again = tmp_path / "again.jsonl"
    rerun = [*COMMAND, str(source), "--redis", redis_server.url, "--report", str(again)]
    done = subprocess.run(rerun, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert Counter(row["status"] for row in report_lines(again)) == {"skipped": ROWS}
    assert len(limited.fake.candidates) == ROWS


@pytest.mark.parametrize("shard", ["3/3", "-1/2", "1", "a/b", "0/0"])
def test_a_bad_shard_is_one_line_and_exit_2(
    shard: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--shard must be I/N with 0 <= I < N: anything else is refused before anything is sent."""
    source = _rows(tmp_path / "people.csv")
    with pytest.raises(SystemExit) as exited:
        main(["import", "candidates", str(source), "--fake", "--shard", shard])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "--shard" in err[-1]
    assert "Traceback" not in "\n".join(err)


def test_redis_and_journal_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--redis keeps the journal in Redis: a --journal file as well is a usage error."""
    source = _rows(tmp_path / "people.csv")
    args = ["import", "candidates", str(source), "--fake", "--redis", "redis://127.0.0.1:1/0"]
    assert main([*args, "--journal", str(tmp_path / "j")]) == 2
    assert "--journal and --redis exclude each other" in capsys.readouterr().err
