"""`instaview import jobs FILE`: the same reading, report and journal as candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from instaview_async.cli import main

from .conftest import Served, by_line, posts

JOBS_CSV = (
    "Title,Description,Required Skills,location.city,Location.Country Code,salary.min,"
    "salary.currency,metadata.ref,Owner\n"
    'Backend engineer,"Python, asyncio",python; asyncio,Bratislava,SK,45000,EUR,r1,me\n'
    "No description,,,,,,,r2,me\n"
    "Data engineer,Pipelines in SQL,sql,,,,,r3,me\n"
)


def test_jobs_import_with_nested_columns_report_and_journal(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nested location/salary and list columns build the job; a rerun with the journal sends
    nothing for done rows; the row missing its description fails alone."""
    source = tmp_path / "jobs.csv"
    source.write_text(JOBS_CSV, encoding="utf-8")
    report, journal = tmp_path / "report.jsonl", tmp_path / "jobs.journal"
    args = ["import", "jobs", str(source), "--report", str(report), "--journal", str(journal)]
    assert main(args) == 1
    rows = by_line(report)
    assert [rows[n]["status"] for n in (2, 3, 4)] == ["created", "failed", "created"]
    assert "description" in rows[3]["error"]["message"]
    job = served.fake.jobs[rows[2]["id"]]
    assert job["requiredSkills"] == ["python", "asyncio"]
    assert job["location"] == {"city": "Bratislava", "countryCode": "SK"}
    assert job["salary"]["min"] == 45000 and job["salary"]["currency"] == "EUR"
    assert job["metadata"] == {"ref": "r1"}
    assert "'Owner'" in capsys.readouterr().err

    sent = len(posts(served))
    assert main(args) == 1  # the invalid row still fails
    rows = by_line(report)
    assert [rows[n]["status"] for n in (2, 3, 4)] == ["skipped", "failed", "skipped"]
    assert rows[2]["id"] == job["id"]
    assert len(posts(served)) == sent
    assert len(served.fake.jobs) == 2


def test_a_candidates_journal_is_refused_for_jobs(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """The resource kind is part of the binding: a journal of one kind never skips the other."""
    people = tmp_path / "both.csv"
    people.write_text("title,description,first_name,last_name,email\nT,D,A,B,a@x.io\n")
    journal = tmp_path / "j"
    assert main(["import", "candidates", str(people), "--journal", str(journal)]) == 0
    capsys.readouterr()
    assert main(["import", "jobs", str(people), "--journal", str(journal)]) == 2
    assert "made for importing candidates, not jobs" in capsys.readouterr().err
