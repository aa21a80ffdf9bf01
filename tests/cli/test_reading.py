"""Reading files as people have them: a line that cannot be read fails alone, with its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from instaview_async.cli import main

from .conftest import Served, by_line, posts

MESSY_CSV = (
    b"\xef\xbb\xbfFirst Name,Last Name,E-mail,Phone Number,metadata.note\r\n"
    b'Ada,Lovelace,ada@example.com,,"likes, commas"\r\n'
    b"Caf\xe9,Owner,cafe@example.com,,\r\n"
    b'"Grace","Hop""per",,+421900000001,"two\r\nlines"\r\n'
    b"Alan,Turing,alan@example.com,,\r\n"
    b",,,,\r\n"  # the empty row spreadsheets leave at the end
)


def _import(*args: str) -> int:
    return main(["import", "candidates", *args])


def test_a_messy_spreadsheet_export_imports_every_readable_row(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """BOM, CRLF, quoted commas, newlines and quotes import; the Latin-1 line fails alone."""
    source = tmp_path / "people.csv"
    source.write_bytes(MESSY_CSV)
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 1
    rows = by_line(report)
    assert sorted(rows) == [2, 3, 4, 6]  # Grace's row starts on line 4 and ends on line 5
    assert rows[3]["status"] == "failed"
    assert rows[3]["error"]["code"] == "INVALID_LINE"
    assert "0xe9" in rows[3]["error"]["message"] and "--encoding" in rows[3]["error"]["message"]
    assert {rows[n]["status"] for n in (2, 4, 6)} == {"created"}
    grace = served.fake.candidates[rows[4]["id"]]
    assert (grace["firstName"], grace["lastName"]) == ("Grace", 'Hop"per')
    assert grace["metadata"] == {"note": "two\r\nlines"}
    assert served.fake.candidates[rows[2]["id"]]["metadata"] == {"note": "likes, commas"}
    err = capsys.readouterr().err
    assert err.count("line 3: failed") == 1
    assert "Traceback" not in err


def test_encoding_reads_a_file_that_is_not_utf8(tmp_path: Path, served: Served) -> None:
    """--encoding cp1252 imports a Windows spreadsheet's accents correctly."""
    source = tmp_path / "people.csv"
    source.write_bytes("firstName;lastName;email\r\nCafé;Crème;c@example.com\r\n".encode("cp1252"))
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--encoding", "cp1252", "--report", str(report)) == 0
    (row,) = by_line(report).values()
    assert served.fake.candidates[row["id"]]["firstName"] == "Café"


def test_json_lines_with_a_broken_line_fail_only_that_line(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A truncated JSON line, a non-object and a bad byte each fail with their line; blanks skip."""
    source = tmp_path / "people.jsonl"
    good = [
        json.dumps({"firstName": "P", "lastName": str(i), "email": f"p{i}@x.io"}) for i in range(3)
    ]
    source.write_bytes(
        "\n".join([good[0], '{"firstName": "Cut', "", "[1, 2]", good[1]]).encode()
        + b'\n{"firstName": "Caf\xe9", "lastName": "X", "email": "c@x.io"}\n'
        + good[2].encode()
        + b"\n"
    )
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 1
    rows = by_line(report)
    assert {n: r["status"] for n, r in rows.items()} == {
        1: "created",
        2: "failed",
        4: "failed",
        5: "created",
        6: "failed",
        7: "created",
    }
    assert "not valid JSON" in rows[2]["error"]["message"]
    assert "expected a JSON object, got an array" in rows[4]["error"]["message"]
    assert "not valid utf-8" in rows[6]["error"]["message"]
    assert len(served.fake.candidates) == 3


def test_a_row_with_more_cells_than_the_header_fails_alone(tmp_path: Path, served: Served) -> None:
    """Extra non-empty cells fail that row; trailing empty cells (Excel) are fine."""
    source = tmp_path / "people.csv"
    source.write_text(
        "first_name,last_name,email\nA,B,a@x.io,,\nC,D,c@x.io,surprise\n", encoding="utf-8"
    )
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 1
    rows = by_line(report)
    assert rows[2]["status"] == "created"
    assert rows[3]["status"] == "failed"
    assert "more cells than the header" in rows[3]["error"]["message"]


def test_json_lines_that_are_all_broken_fail_line_by_line(tmp_path: Path, served: Served) -> None:
    """No line parses: each fails with its reason (not a "missing column" exit)."""
    source = tmp_path / "people.jsonl"
    source.write_text('{"firstName": "A",\nnot json\n')
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 1
    assert {n: r["error"]["code"] for n, r in by_line(report).items()} == {
        1: "INVALID_LINE",
        2: "INVALID_LINE",
    }


def test_an_unclosed_quote_on_the_last_row_fails_it_naming_the_quote(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A last row whose quoted field is never closed fails as "unterminated quoted field" at
    its line, not for a missing column; a stray quote inside an unquoted field still imports."""
    source = tmp_path / "people.csv"
    source.write_bytes(
        b"first_name,last_name,email,note\r\n"
        b'Conan,O"Brien,conan@example.com,ok\r\n'
        b'Broken,"Quote,bq@example.com,,oops\r\n'
    )
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 1
    rows = by_line(report)
    assert served.fake.candidates[rows[2]["id"]]["lastName"] == 'O"Brien'
    assert rows[3]["status"] == "failed"
    assert rows[3]["error"]["code"] == "INVALID_LINE"
    assert rows[3]["error"]["message"].startswith("unterminated quoted field")
    err = capsys.readouterr().err
    assert "line 3: failed: unterminated quoted field" in err
    assert "email" not in err.split("line 3: failed:")[1].splitlines()[0]


@pytest.mark.parametrize(
    "closing",
    [
        b'Eve,"Ray",eve@example.com\r\n',  # the next '"' opens a field: text follows it
        b'Eve,Ray,eve@example.com"\r\n',  # a stray '"' ends a line: the row lacks a column
    ],
)
def test_an_unclosed_quote_mid_file_fails_the_lines_it_swallowed_instead_of_losing_them(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str], closing: bytes
) -> None:
    """The lenient reader takes the rows after an unclosed quote into its field, up to the next
    '"': they were neither imported nor reported, and the row took a later row's email. The
    span now fails as one bad row naming its lines; the rows around it import."""
    source = tmp_path / "people.csv"
    source.write_bytes(
        b"first_name,last_name,email\r\n"
        b"Ann,Smith,ann@example.com\r\n"
        b'Bob,"Jones,bob@example.com\r\n'
        b"Cid,Lee,cid@example.com\r\n"
        b"Dee,Kay,dee@example.com\r\n" + closing + b"Fay,Orr,fay@example.com\r\n"
    )
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 1
    rows = by_line(report)
    assert sorted(rows) == [2, 3, 7]
    assert rows[3]["status"] == "failed"
    assert rows[3]["error"]["code"] == "INVALID_LINE"
    assert rows[3]["error"]["message"].startswith("lines 3-6 were read as one row")
    created = {c["email"] for c in served.fake.candidates.values()}
    assert created == {"ann@example.com", "fay@example.com"}
    assert "line 3: failed: lines 3-6 were read as one row" in capsys.readouterr().err


def test_a_cell_with_line_breaks_and_commas_is_still_one_cell(
    tmp_path: Path, served: Served
) -> None:
    """An address over two lines, commas and all, is a real multi-line cell: it imports."""
    source = tmp_path / "people.csv"
    source.write_bytes(
        b"first_name,last_name,email,metadata.address\r\n"
        b'Ann,Smith,ann@example.com,"12 Main St,\r\nSpringfield, IL"\r\n'
        b"Bob,Jones,bob@example.com,\r\n"
    )
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 0
    rows = by_line(report)
    assert {rows[2]["status"], rows[4]["status"]} == {"created"}
    ann = served.fake.candidates[rows[2]["id"]]
    assert ann["metadata"] == {"address": "12 Main St,\r\nSpringfield, IL"}


def test_a_nul_in_a_cell_is_read_as_it_is_on_every_python(tmp_path: Path) -> None:
    """csv before 3.11 refuses NUL; the command reads the file alike on 3.10 and later."""
    from instaview_async.cli._source import Record, read

    source = tmp_path / "nul.csv"
    source.write_bytes(b"First Name,Last Name,Email\nA\x00B,C,a@b.test\n")
    (record,) = list(read(source))
    assert isinstance(record, Record)
    assert record.line == 2
    assert record.values["First Name"] == "A\x00B"


def test_a_json_array_imports_each_object_at_the_line_it_starts_on(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pretty-printed .json array (what most tools write) is read as one array, not as lines:
    an object over two lines is one row, a non-object fails alone, a trailing comma is let by."""
    source = tmp_path / "people.json"
    source.write_text(
        "[\n"
        '  {"first_name": "Ann", "last_name": "Smith", "email": "ann@example.com"},\n'
        '  {"first_name": "Bob",\n'
        '   "last_name": "Jones", "email": "bob@example.com"},\n'
        "  42,\n"
        '  {"first_name": "Cid", "last_name": "Lee", "email": "cid@example.com"},\n'
        "]\n"
    )
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 1
    rows = by_line(report)
    assert sorted(rows) == [2, 3, 5, 6]  # after Bob's two lines, each at its own line
    assert rows[5]["error"]["message"] == "expected a JSON object, got a number"
    assert {rows[n]["status"] for n in (2, 3, 6)} == {"created"}
    assert served.fake.candidates[rows[6]["id"]]["email"] == "cid@example.com"
    emails = {c["email"] for c in served.fake.candidates.values()}
    assert emails == {"ann@example.com", "bob@example.com", "cid@example.com"}
    assert "Traceback" not in capsys.readouterr().err


def test_a_broken_json_array_is_one_line_naming_where_and_sends_nothing(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where the next object starts is unknown after a syntax error, so the whole file is
    refused before any row is sent, rather than an import that stops part way."""
    source = tmp_path / "people.json"
    source.write_text(
        "[\n"
        '  {"first_name": "Ann", "last_name": "Smith", "email": "ann@example.com"}\n'
        '  {"first_name": "Bob", "last_name": "Jones", "email": "bob@example.com"}\n'
        "]\n"
    )
    assert _import(str(source)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"instaview: error: {source}: line 3, column 3: expected ',' or ']'")
    assert len(err.splitlines()) == 1
    assert posts(served) == []


def test_excels_sep_line_names_the_delimiter(tmp_path: Path, served: Served) -> None:
    """Excel in many locales writes "sep=;" first: it is the delimiter, the header is next."""
    source = tmp_path / "people.csv"
    source.write_bytes(b"sep=;\r\nFirst Name;Last Name;Email\r\nAnn;Smith, Jr;ann@example.com\r\n")
    report = tmp_path / "report.jsonl"
    assert _import(str(source), "--report", str(report)) == 0
    (row,) = by_line(report).values()
    assert row["line"] == 3
    assert served.fake.candidates[row["id"]]["lastName"] == "Smith, Jr"


def test_a_column_given_twice_under_one_name_is_refused_before_sending(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two "Email" columns: which one is meant is unknown (the second used to win silently)."""
    source = tmp_path / "people.csv"
    source.write_text("First Name,Last Name,Email,Email\nAnn,Smith,ann@example.com,a@example.com\n")
    assert _import(str(source)) == 2
    assert "columns 'Email' and 'Email' both give email; keep one" in capsys.readouterr().err
    assert posts(served) == []


def test_unused_columns_are_named_once_and_nameless_ones_counted(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spreadsheet's trailing commas are "2 without a name", not two empty quotes."""
    source = tmp_path / "people.csv"
    source.write_text("First Name,Last Name,Email,Notes,,\nAnn,Smith,ann@example.com,hi,,\n")
    assert _import(str(source)) == 0
    note = "note: ignoring columns the import does not use: 'Notes', 2 without a name\n"
    assert note in capsys.readouterr().err
