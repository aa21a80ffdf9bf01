"""Reading candidate rows from CSV or JSON Lines, lazily, with line numbers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

__all__ = ["BadRow", "SourceRow", "read_rows"]


@attrs.frozen
class SourceRow:
    """A parsed row and the line it starts on."""

    line: int
    fields: Mapping[str, Any]


@attrs.frozen
class BadRow:
    """A line that could not be parsed, and why."""

    line: int
    reason: str


def read_rows(path: Path) -> Iterator[SourceRow | BadRow]:
    """Yield each row of a ``.csv`` file or a JSON Lines file (``.jsonl``/``.ndjson``/other)."""
    if path.suffix.lower() == ".csv":
        return _csv_rows(path)
    return _jsonl_rows(path)


def _csv_rows(path: Path) -> Iterator[SourceRow | BadRow]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for record in reader:
            line = reader.line_num
            if None in record:  # more cells than headers
                yield BadRow(line, f"{len(record[None])} more cells than the header has")
                continue
            yield SourceRow(line, {k: v for k, v in record.items() if v is not None})


def _jsonl_rows(path: Path) -> Iterator[SourceRow | BadRow]:
    with path.open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except ValueError as exc:
                yield BadRow(line, f"invalid JSON: {exc}")
                continue
            if not isinstance(value, dict):
                yield BadRow(line, f"expected a JSON object, got {type(value).__name__}")
                continue
            yield SourceRow(line, value)
