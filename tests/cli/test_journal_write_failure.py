"""A `--journal` that cannot be written mid-run: the import stops, the report keeps every row."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from instaview_async.cli import main
from instaview_async.journal import FileJournal, JournalEntry

from .conftest import report_lines


def test_a_row_whose_journal_write_fails_is_still_in_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up at the third row's journal line: that row, on the server, is reported
    as created, and the run stops with the disk's error (not an error of its task groups)."""
    source = tmp_path / "people.csv"
    rows = [f"Ada,L{i},ada{i}@example.com" for i in range(5)]
    source.write_text("First Name,Last Name,Email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    record = FileJournal.record
    written: list[str] = []

    async def filling(self: FileJournal, entry: JournalEntry) -> None:
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(entry.row_id)
        await record(self, entry)

    monkeypatch.setattr(FileJournal, "record", filling)
    report = tmp_path / "report.jsonl"
    args = ["import", "candidates", str(source), "--fake", "--concurrency", "1"]
    with pytest.raises(OSError, match="No space left on device"):
        main([*args, "--journal", str(tmp_path / "j"), "--report", str(report)])
    assert [(row["line"], row["status"]) for row in report_lines(report)] == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
    ]
