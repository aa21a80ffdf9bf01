"""Reading an input file as records with line numbers: CSV or JSON Lines, one line at a time.

Each physical line is decoded on its own, so one byte that is not valid in the file's encoding
spoils only the record it is in: that record becomes a `BadLine` naming the line and the byte,
and every other record goes on. Line numbers are the file's own (the CSV header is line 1), so
a user can open the file at the line a report names.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal

import attrs

__all__ = [
    "BadLine",
    "Format",
    "Record",
    "SourceError",
    "Survey",
    "check_encoding",
    "detect_format",
    "read",
    "survey",
]

Format = Literal["csv", "jsonl", "json"]
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
_DELIMITERS = (",", ";", "\t")


class SourceError(ValueError):
    """A file that cannot be read as a whole: a JSON array that is not valid JSON."""


@attrs.frozen
class Record:
    """One data row: the line it starts on and its values by column (or JSON key)."""

    line: int
    values: dict[str, Any]


@attrs.frozen
class BadLine:
    """A row that could not be read, the line where the problem is, and why."""

    line: int
    reason: str


@attrs.frozen
class Survey:
    """What a first streaming pass learns: content hash, data rows, column names."""

    digest: str
    rows: int
    columns: tuple[str, ...]


def check_encoding(name: str) -> str:
    """``name`` if Python knows the codec and it keeps ASCII as ASCII, else ValueError."""
    try:
        codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}") from None
    if not "ab\n".encode(name).endswith(b"ab\n"):
        raise ValueError(f"{name} is not supported (the file is read line by line): save as UTF-8")
    return name


def detect_format(path: Path) -> Format:
    """CSV unless the name ends in .jsonl, .ndjson or .json (one JSON object per line); a .json
    file that starts with '[' is one JSON array of objects."""
    suffix = path.suffix.lower()
    if suffix not in _JSONL_SUFFIXES:
        return "csv"
    if suffix == ".json":
        with path.open("rb") as handle:
            start = handle.read(64).removeprefix(codecs.BOM_UTF8).lstrip()
        if start.startswith(b"["):
            return "json"
    return "jsonl"


def read(path: Path, encoding: str = "utf-8") -> Iterator[Record | BadLine]:
    """Yield every data row of ``path`` in file order, each readable or not."""
    with path.open("rb") as handle:
        yield from _records(handle, detect_format(path), encoding, None)


def survey(path: Path, encoding: str = "utf-8") -> Survey:
    """Hash the file, count its data rows and collect its column names, in one pass."""
    digest = hashlib.sha256()
    rows = 0
    header: list[str] = []  # a CSV's, as written
    keys: dict[str, None] = {}  # JSON Lines' keys, an ordered set
    fmt = detect_format(path)
    with path.open("rb") as handle:
        for item in _records(handle, fmt, encoding, digest, header):
            rows += 1
            if fmt != "csv" and isinstance(item, Record):
                keys.update(dict.fromkeys(item.values))
    return Survey(f"sha256:{digest.hexdigest()}", rows, tuple(header or keys))


def _records(
    handle: BinaryIO,
    fmt: Format,
    encoding: str,
    digest: Any,
    header_out: list[str] | None = None,
) -> Iterator[Record | BadLine]:
    lines = _Lines(handle, encoding, digest)
    if fmt == "jsonl":
        return _jsonl(lines)
    if fmt == "json":
        return _json_array(lines)
    return _csv(lines, header_out)


class _Lines:
    """The file's physical lines, decoded one by one; remembers which failed to decode."""

    def __init__(self, handle: BinaryIO, encoding: str, digest: Any) -> None:
        self._handle = handle
        self._encoding = encoding
        self._digest = digest
        self.number = 0
        self.undecodable: list[tuple[int, str]] = []  # since the last record, for CSV
        self.texts: list[str] = []  # the lines read since the last record, for CSV
        self.ended = False  # the reader asked past the last line

    def __iter__(self) -> Iterator[str]:
        for raw in self._handle:
            self.number += 1
            if self._digest is not None:
                self._digest.update(raw)
            text = self._decode(raw)
            self.texts.append(text)
            yield text
        self.ended = True

    def _decode(self, raw: bytes) -> str:
        if self.number == 1:
            # A UTF-8 byte order mark (as Excel writes), whatever --encoding says.
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode(self._encoding)
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.start + 1].hex()
            where = f"column {exc.start + 1} of line {self.number}"
            self.undecodable.append(
                (
                    self.number,
                    f"not valid {self._encoding} (byte 0x{bad} at {where}); if the file is in "
                    "another encoding, pass --encoding (e.g. --encoding cp1252)",
                )
            )
            text = raw.decode(self._encoding, errors="replace")
        return text


def _jsonl(lines: _Lines) -> Iterator[Record | BadLine]:
    for text in lines:
        if lines.undecodable:
            yield BadLine(*lines.undecodable.pop())
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield BadLine(lines.number, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(value, dict):
            yield BadLine(lines.number, f"expected a JSON object, got {_json_type(value)}")
            continue
        yield Record(lines.number, value)


def _json_array(lines: _Lines) -> Iterator[Record | BadLine]:
    """One JSON array of objects, each a record at the line it starts on.

    Unlike JSON Lines, a syntax error cannot be stepped over (where the next object starts is
    unknown), so it is a SourceError for the whole file, found by the survey before any row is
    sent, rather than an import that stops part way.
    """
    text = "".join(lines)
    bad_lines = dict(lines.undecodable)
    decoder = json.JSONDecoder()
    at = _skip(text, 0) + 1  # past the '['
    line, counted = 1, 0  # the line of text[counted]
    while True:
        start = _skip(text, at)
        line, counted = line + text.count("\n", counted, start), start
        if text.startswith("]", start):
            break
        try:
            value, at = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            raise _array_error(text, exc.pos, f"not valid JSON: {exc.msg}") from None
        spanned = range(line, line + text.count("\n", start, at) + 1)
        undecodable = [bad_lines[n] for n in spanned if n in bad_lines]
        if undecodable:
            yield BadLine(line, undecodable[0])
        elif isinstance(value, dict):
            yield Record(line, value)
        else:
            yield BadLine(line, f"expected a JSON object, got {_json_type(value)}")
        after = _skip(text, at)
        if text.startswith(",", after):
            at = after + 1
        elif not text.startswith("]", after):
            raise _array_error(text, after, "expected ',' or ']' after an object")
        else:
            at = after
    if text[_skip(text, start + 1) :].strip():
        raise _array_error(text, _skip(text, start + 1), "text after the array's ']'")


def _skip(text: str, at: int) -> int:
    """The index of the next character that is not JSON whitespace."""
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _array_error(text: str, at: int, reason: str) -> SourceError:
    line = 1 + text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return SourceError(
        f"line {line}, column {column}: {reason}; a JSON array is read as a whole, so nothing "
        "is sent (JSON Lines, one object per line, lets a bad line fail alone)"
    )


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _csv(lines: _Lines, header_out: list[str] | None) -> Iterator[Record | BadLine]:
    text_lines = iter(lines)
    first = _first_line(text_lines, lines)
    if first is None:
        return
    hint = _SEP_HINT.fullmatch(first.rstrip("\r\n"))
    if hint:  # Excel's "sep=;" line: it names the delimiter, and the header comes next
        delimiter, lines.texts = hint[1], []
        reader = csv.reader(_chain(None, text_lines), delimiter=delimiter)
        end = lines.number
    else:
        delimiter, lines.texts = max(_DELIMITERS, key=first.count), [first]
        reader = csv.reader(_chain(first, text_lines), delimiter=delimiter)
        end = lines.number - 1  # the line before the next record
    header: list[str] | None = None
    while True:
        start = end + 1
        try:
            cells = _cells(next(reader))
        except StopIteration:
            return
        except csv.Error as exc:
            end = lines.number
            lines.undecodable.clear()
            lines.texts = []
            yield BadLine(start, f"not valid CSV: {exc}")
            continue
        end = lines.number
        undecodable, lines.undecodable = lines.undecodable, []
        texts, lines.texts = lines.texts, []
        if lines.ended and _unterminated("".join(texts), delimiter):
            yield BadLine(start, _UNTERMINATED)
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells as spreadsheets leave at the end
        if header is None:
            header = [cell.strip() for cell in cells]
            if header_out is not None:
                header_out.extend(header)  # as written: a column given twice is an error
            continue
        if undecodable:
            yield BadLine(start, undecodable[0][1])
        elif end > start and _swallowed("".join(texts), cells, header, delimiter):
            yield BadLine(start, _SWALLOWED.format(start=start, end=end))
        else:
            yield _csv_record(start, header, cells)


_SEP_HINT = re.compile(r"sep=(.)")

_UNTERMINATED = (
    "unterminated quoted field: the '\"' that opens a field here is never closed, so the rest "
    "of the file was read as one cell"
)


_SWALLOWED = (
    "lines {start}-{end} were read as one row: a quoted field opened on line {start} does not "
    "end cleanly (a '\"' missing, or one too many?), so the rows after it were taken into it; "
    "none of lines {start}-{end} is imported: fix the quote and run again"
)


def _swallowed(text: str, cells: list[str], header: list[str], delimiter: str) -> bool:
    """Whether a row read over several lines is an unclosed quote, not a cell with line breaks.

    The lenient reader takes everything up to the next '"' in the file into the open field,
    rows and all, and goes on from there: the rows in between would be lost without a word.
    Two signs tell it from a real multi-line cell (an address, a note): the '"' that ends the
    field is followed by more text (strict mode refuses that), or the row lacks columns while a
    line inside one of its cells has a whole row's worth of delimiters.
    """
    try:  # without NUL, which csv before 3.11 refuses, and which is no quote
        for _ in csv.reader(
            io.StringIO(text.replace("\x00", "")), delimiter=delimiter, strict=True
        ):
            pass
    except csv.Error:
        return True
    if len(cells) >= len(header):
        return False
    row = len(header) - 1
    return any(line.count(delimiter) >= row for cell in cells for line in cell.splitlines()[1:])


def _unterminated(text: str, delimiter: str) -> bool:
    """Whether the file's last record ends inside a quoted field.

    The lenient reader (which keeps a stray quote, as in ``O"Brien``, as it is) takes such a
    field to the end of the file as one cell, and the row would fail for a missing column
    instead. Strict mode says so, but also refuses forms the lenient reader reads sensibly,
    so only the last record is read again in strict mode.
    """
    try:
        for _ in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _first_line(text_lines: Iterator[str], lines: _Lines) -> str | None:
    for text in text_lines:
        if text.strip():
            return text
    return None


if sys.version_info >= (3, 11):

    def _chain(first: str | None, rest: Iterator[str]) -> Iterator[str]:
        if first is not None:
            yield first
        yield from rest

    def _cells(cells: list[str]) -> list[str]:
        return cells

else:
    # csv before 3.11 refuses a NUL ("line contains NUL") where 3.11+ reads it as any other
    # character: hidden from the reader and put back, so that a file reads alike on both
    # (a binary file's first line is then said not to look like text, not skipped).
    _NUL_STAND_IN = "\ue000"

    def _chain(first: str | None, rest: Iterator[str]) -> Iterator[str]:
        if first is not None:
            yield first.replace("\x00", _NUL_STAND_IN)
        for text in rest:
            yield text.replace("\x00", _NUL_STAND_IN)

    def _cells(cells: list[str]) -> list[str]:
        return [cell.replace(_NUL_STAND_IN, "\x00") for cell in cells]


def _csv_record(line: int, header: list[str], cells: list[str]) -> Record | BadLine:
    extra = [cell for cell in cells[len(header) :] if cell.strip()]
    if extra:
        return BadLine(line, f"{len(cells) - len(header)} more cells than the header has")
    return Record(line, dict(zip(header, cells, strict=False)))
