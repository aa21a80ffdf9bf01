"""Columns: SDK, API and spreadsheet names all match; what cannot work stops before sending."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from instaview_async.cli import main

from .conftest import Served, by_line, make_jobs, posts


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "header",
    [
        "first_name,last_name,email,phone_number,job_ids",
        "firstName,lastName,email,phoneNumber,jobIds",
        "First Name,last name,E-mail,Phone Number,Job IDs",
        "FIRST-NAME,Last_Name,EMAIL,phone,job id",
    ],
)
def test_sdk_api_and_spreadsheet_headers_name_the_same_fields(
    tmp_path: Path, served: Served, header: str
) -> None:
    """Case, spaces, '_' and '-' are ignored; a job id list is split on ';' or ','."""
    first, second = make_jobs(served, 2)
    row = f"Ada,Lovelace,ada@x.io,+421900000001,{first}; {second}"
    source = _csv(tmp_path / "people.csv", f"{header}\n{row}\n")
    report = tmp_path / "report.jsonl"
    assert main(["import", "candidates", str(source), "--report", str(report)]) == 0
    (row,) = by_line(report).values()
    candidate = served.fake.candidates[row["id"]]
    assert (candidate["firstName"], candidate["lastName"]) == ("Ada", "Lovelace")
    assert (candidate["email"], candidate["phoneNumber"]) == ("ada@x.io", "+421900000001")
    assert candidate["jobIds"] == [first, second]


def test_an_unknown_column_is_named_once_before_any_request_and_ignored(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """'notes' is reported once on stderr; every row is still created without it."""
    rows = "".join(f"P,{i},p{i}@x.io,hello\n" for i in range(5))
    source = _csv(tmp_path / "people.csv", "First Name,Last Name,Email,notes\n" + rows)
    assert main(["import", "candidates", str(source)]) == 0
    err = capsys.readouterr().err
    assert err.count("'notes'") == 1
    assert err.index("'notes'") < len(err.split("\n")[0]) + 1  # the first thing printed
    assert len(served.fake.candidates) == 5
    assert all("notes" not in str(c) for c in served.fake.candidates.values())


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("Email,Last Name", "first_name"),
        ("First Name,Email", "last_name"),
        ("First Name,Last Name,Notes", "email or phone_number"),
    ],
)
def test_a_file_without_a_required_column_exits_2_before_sending_anything(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str], header: str, missing: str
) -> None:
    """Exit 2 names the missing column and lists the accepted ones; the API sees nothing."""
    source = _csv(tmp_path / "people.csv", f"{header}\na,b,c\n")
    assert main(["import", "candidates", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"has no {missing} column" in err
    assert "accepted columns: first_name, last_name, email, phone_number" in err
    assert len(err.strip().splitlines()) == 1
    assert served.fake.requests == ()


def test_an_empty_required_cell_fails_with_the_sdks_validation_message(
    tmp_path: Path, served: Served
) -> None:
    """An empty cell is an absent field: the SDK's ValidationError, never a TypeError."""
    source = _csv(
        tmp_path / "people.csv",
        "First Name,Last Name,Email,Phone\nAda,,ada@x.io,\nAlan,Turing,,\nGrace,Hopper,g@x.io,\n",
    )
    report = tmp_path / "report.jsonl"
    assert main(["import", "candidates", str(source), "--report", str(report)]) == 1
    rows = by_line(report)
    assert rows[2]["error"]["code"] == "VALIDATION_ERROR"
    assert "lastName" in rows[2]["error"]["message"]
    assert rows[3]["error"]["code"] == "VALIDATION_ERROR"
    assert "email or a phoneNumber" in rows[3]["error"]["message"]
    assert "TypeError" not in str(rows) and "keyword" not in str(rows)
    assert rows[4]["status"] == "created"
    assert len(posts(served)) == 1  # the invalid rows were never sent


def test_metadata_columns_go_into_metadata(tmp_path: Path, served: Served) -> None:
    """metadata.<key> columns become metadata keys as written; empty ones are left out."""
    source = _csv(
        tmp_path / "people.csv",
        "first_name,last_name,email,metadata.source,metadata.Referrer ID\nA,B,a@x.io,fair,\n",
    )
    report = tmp_path / "report.jsonl"
    assert main(["import", "candidates", str(source), "--report", str(report)]) == 0
    (row,) = by_line(report).values()
    assert served.fake.candidates[row["id"]]["metadata"] == {"source": "fair"}


def test_help_documents_columns_key_and_exit_statuses() -> None:
    """`import candidates --help` lists the columns, where the key comes from, exit statuses."""
    result = subprocess.run(
        [sys.executable, "-m", "instaview_async.cli", "import", "candidates", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = " ".join(result.stdout.split())
    assert "first_name, last_name, email, phone_number" in text
    assert "metadata.<key>" in text
    assert "$INSTAVIEW_API_KEY only, never from an argument" in text
    for status in ("0 every row done", "1 some rows failed", "2 bad usage", "3 stopped early"):
        assert status in text
    assert "130 interrupted" in text


def test_json_lines_take_lists_and_objects_as_they_are(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON array of job ids and a metadata object pass through; lines may spell keys
    differently, but one line giving a field twice fails alone; a key no field takes is named
    once."""
    (job_id,) = make_jobs(served)
    source = tmp_path / "people.jsonl"
    source.write_text(
        f'{{"firstName": "A", "lastName": "B", "email": "a@x.io", "jobIds": ["{job_id}"]}}\n'
        '{"first_name": "C", "last_name": "D", "phone": "+421900000002", '
        '"metadata": {"src": "fair", "n": 3}, "notes": "x"}\n'
        '{"firstName": "E", "first_name": "F", "lastName": "G", "email": "e@x.io"}\n',
        encoding="utf-8",
    )
    report = tmp_path / "report.jsonl"
    assert main(["import", "candidates", str(source), "--report", str(report)]) == 1
    rows = by_line(report)
    assert rows[3]["status"] == "failed"
    assert "'firstName' and 'first_name' both give first_name" in rows[3]["error"]["message"]
    assert served.fake.candidates[rows[1]["id"]]["jobIds"] == [job_id]
    assert served.fake.candidates[rows[2]["id"]]["metadata"] == {"src": "fair", "n": 3}
    assert capsys.readouterr().err.count("'notes'") == 1


def test_two_csv_columns_for_one_field_exit_2(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Email' and 'E-mail' in one header: which one is meant cannot be told; nothing is sent."""
    source = _csv(tmp_path / "people.csv", "First Name,Last Name,Email,E-mail\nA,B,a@x.io,b@x.io\n")
    assert main(["import", "candidates", str(source)]) == 2
    assert "columns 'Email' and 'E-mail' both give email" in capsys.readouterr().err
    assert served.fake.requests == ()


def test_a_binary_file_is_said_not_to_be_text_with_a_short_printable_excerpt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A binary file given as CSV: one short printable line saying it does not look like text,
    not its bytes up to the first newline as "columns"."""
    source = tmp_path / "photo.csv"
    source.write_bytes(bytes(range(256)) * 40)
    assert main(["import", "candidates", str(source), "--fake"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.isascii() and len(err) < 300, err
    assert "does not look like text" in err and "--encoding" in err
    assert "\x00" not in err and "\x07" not in err


def test_many_or_long_column_names_are_cut_short_in_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text header without the required columns lists at most ten, each cut to 40 chars."""
    header = ",".join(f"col{i}-" + "x" * 100 for i in range(30))
    source = _csv(tmp_path / "wide.csv", header + "\n" + "," * 29 + "\n")
    assert main(["import", "candidates", str(source), "--fake"]) == 2
    err = capsys.readouterr().err
    assert "has no first_name column" in err and "... 20 more" in err
    assert "x" * 41 not in err
