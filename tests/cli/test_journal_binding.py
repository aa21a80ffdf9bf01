"""--journal is bound to its file, target, kind and job: it never skips rows of another run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from instaview_async.cli import main

from .conftest import Served


def _people(path: Path, prefix: str, count: int = 4) -> Path:
    lines = ["firstName,lastName,email"]
    lines += [f"P,{prefix}{i},{prefix}{i}@example.com" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_fake_journal_is_refused_by_a_real_run_before_any_request(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's try-with---fake-first flow: the real run exits 2 instead of skipping rows."""
    source = _people(tmp_path / "a.csv", "a")
    journal = tmp_path / "import.journal"
    assert main(["import", "candidates", str(source), "--fake", "--journal", str(journal)]) == 0
    capsys.readouterr()
    served.fake.clear_requests()
    assert main(["import", "candidates", str(source), "--journal", str(journal)]) == 2
    err = capsys.readouterr().err
    assert "made for the fake API (--fake)" in err and served.base_url in err
    assert served.fake.requests == ()
    assert len(served.fake.candidates) == 0


def test_a_journal_of_one_file_is_refused_for_another(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """a.csv's journal used for b.csv exits 2 naming the other file, leaving the journal and
    the last report as they were; b.csv with its own journal is then imported."""
    a = _people(tmp_path / "a.csv", "a")
    b = _people(tmp_path / "b.csv", "b")
    journal, report = tmp_path / "import.journal", tmp_path / "report.jsonl"
    assert (
        main(["import", "candidates", str(a), "--journal", str(journal), "--report", str(report)])
        == 0
    )
    assert len(served.fake.candidates) == 4
    kept = (journal.read_bytes(), report.read_bytes())
    capsys.readouterr()
    assert (
        main(["import", "candidates", str(b), "--journal", str(journal), "--report", str(report)])
        == 2
    )
    assert "another file (a.csv)" in capsys.readouterr().err
    assert (journal.read_bytes(), report.read_bytes()) == kept
    assert len(served.fake.candidates) == 4
    assert main(["import", "candidates", str(b), "--journal", str(tmp_path / "b.journal")]) == 0
    assert len(served.fake.candidates) == 8


def test_a_rerun_of_the_same_file_and_target_skips_journaled_rows(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same file to the same API with its journal sends nothing for rows already done."""
    source = _people(tmp_path / "a.csv", "a")
    journal = tmp_path / "import.journal"
    assert main(["import", "candidates", str(source), "--journal", str(journal)]) == 0
    entries = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
    assert sorted(entry["row"] for entry in entries) == ["2", "3", "4", "5"]
    served.fake.clear_requests()
    assert main(["import", "candidates", str(source), "--journal", str(journal)]) == 0
    assert [r for r in served.fake.requests if r.method == "POST"] == []
