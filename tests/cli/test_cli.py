"""The instaview command: demo, import candidates, fake-server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from instaview_async.cli import main


def test_demo_accounts_for_every_row_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """instaview demo imports under faults and exits 0 with every row accounted for."""
    assert main(["demo", "--rows", "60", "--concurrency", "8", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "every row accounted for, no duplicates" in out
    assert "created" in out and "breaker trips" in out


def test_import_reports_bad_rows_with_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad CSV rows are reported with their line and reason and do not stop the others."""
    source = tmp_path / "people.csv"
    source.write_text(
        "firstName,lastName,email,phoneNumber\n"
        "Ada,Lovelace,ada@example.com,\n"
        "No,Contact,,\n"
        "Alan,Turing,alan@example.com,,extra\n"
        "Grace,Hopper,,+421900000001\n"
    )
    assert main(["import", "candidates", str(source), "--fake"]) == 1
    err = capsys.readouterr().err
    assert "line 3:" in err and "email" in err
    assert "line 4:" in err and "more cells" in err
    assert "line 2:" not in err and "line 5:" not in err


def test_import_jsonl_with_journal_skips_done_rows_on_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second run with the same journal skips every row the first run put on the server."""
    source = tmp_path / "people.jsonl"
    rows = [{"firstName": "P", "lastName": str(i), "email": f"p{i}@example.com"} for i in range(5)]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    journal = tmp_path / "journal.jsonl"
    assert main(["import", "candidates", str(source), "--fake", "--journal", str(journal)]) == 1
    done = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
    assert sorted(int(record["row"]) for record in done) == [1, 2, 3, 4, 5]
    capsys.readouterr()
    assert main(["import", "candidates", str(source), "--fake", "--journal", str(journal)]) == 1
    captured = capsys.readouterr()
    assert "line 6: BadRow" not in captured.err
    assert "line 6:" in captured.err and "invalid JSON" in captured.err
    assert "skipped (journal)" in captured.out


def test_import_without_a_key_says_how_to_set_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Against the real API with no key, the command explains what is missing."""
    source = tmp_path / "people.jsonl"
    source.write_text("{}\n")
    assert main(["import", "candidates", str(source)]) == 2
    assert "INSTAVIEW_API_KEY" in capsys.readouterr().err


def test_fake_server_starts_on_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """instaview fake-server serves on 127.0.0.1 and prints the URL and a key to use."""
    monkeypatch.setenv("INSTAVIEW_FAKE_SERVER_ONCE", "1")
    assert main(["fake-server", "--port", "0"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:" in out
    assert "INSTAVIEW_API_KEY=" in out
