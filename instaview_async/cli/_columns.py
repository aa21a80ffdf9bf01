"""Which file columns feed which argument of ``create``, for each kind of import.

A column matches a field when their names are equal ignoring case, spaces, ``_`` and ``-``:
``first_name``, ``firstName`` and ``First Name`` are one column. ``metadata.<key>`` columns go
into ``metadata`` (the key as written); jobs also take ``location.<field>`` and
``salary.<field>``. The file is checked once, before any request: an unknown column is named
and ignored, a missing required column stops the run with the list of accepted ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from .._converter import to_camel
from ..resources._validate import raise_if_any

__all__ = ["CANDIDATES", "JOBS", "ColumnsError", "Kind", "Plan", "RowError", "plan"]

Convert = Callable[[Any], Any]


class ColumnsError(Exception):
    """The file's columns cannot make a valid row (nothing is sent)."""


def _text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None) else value


def _list(value: Any) -> Any:
    """A list from a JSON array, or from a cell of items separated by ``;`` or ``,``."""
    if isinstance(value, str):
        items = [item.strip() for item in re.split(r"[;,]", value)]
        value = [item for item in items if item]
    return value or None


def _number(value: Any) -> Any:
    """A number from a cell such as ``45000.50``; anything else is left to validation."""
    value = _text(value)
    if isinstance(value, str):
        for parse in (int, float):
            try:
                return parse(value)
            except ValueError:
                pass
    return value


def _object(value: Any) -> Any:
    """A JSON object as it is, or parsed from a cell holding JSON text."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@attrs.frozen
class Column:
    """One accepted column: the argument it feeds, how a cell becomes a value, other names."""

    name: str
    convert: Convert = _text
    aliases: tuple[str, ...] = ()


@attrs.frozen
class Group:
    """``<prefix>.<key>`` columns (or a JSON object under ``prefix``) forming one nested value."""

    prefix: str
    keys: tuple[Column, ...] | None = None  # None: any key, kept as written (metadata)


@attrs.frozen
class Kind:
    """A kind of import: its columns and which of them a file must have."""

    name: str
    columns: tuple[Column, ...]
    groups: tuple[Group, ...]
    required: tuple[tuple[str, ...], ...]  # each: the file needs one of these columns
    row_required: tuple[str, ...]  # each row needs a value here

    def accepted(self) -> str:
        """The accepted columns, for messages and ``--help``."""
        names = [column.name for column in self.columns]
        names += [f"{group.prefix}.<{_group_keys(group)}>" for group in self.groups]
        return ", ".join(names)


def _group_keys(group: Group) -> str:
    return "key" if group.keys is None else "|".join(key.name for key in group.keys)


CANDIDATES = Kind(
    name="candidates",
    columns=(
        Column("first_name"),
        Column("last_name"),
        Column("email", aliases=("emailaddress",)),
        Column("phone_number", aliases=("phone", "mobile")),
        Column("gdpr_expiry_date"),
        Column("job_ids", _list, aliases=("jobid", "jobs")),
    ),
    groups=(Group("metadata"),),
    required=(("first_name",), ("last_name",), ("email", "phone_number")),
    row_required=("first_name", "last_name"),
)

JOBS = Kind(
    name="jobs",
    columns=(
        Column("title"),
        Column("description"),
        Column("status"),
        Column("job_url", aliases=("url",)),
        Column("benefits"),
        Column("required_skills", _list),
        Column("nice_to_have_skills", _list),
        Column("education", _list),
        Column("experience"),
        Column("contract_type"),
        Column("language_requirements", _list),
    ),
    groups=(
        Group("metadata"),
        Group(
            "location",
            tuple(
                Column(name)
                for name in ("work_mode", "street", "city", "postal_code", "country_code")
            ),
        ),
        Group(
            "salary",
            (Column("min", _number), Column("max", _number), Column("currency"), Column("period")),
        ),
    ),
    required=(("title",), ("description",)),
    row_required=("title", "description"),
)


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


def _find(columns: Iterable[Column], name: str) -> Column | None:
    wanted = _norm(name)
    for column in columns:
        if wanted == _norm(column.name) or wanted in column.aliases:
            return column
    return None


class RowError(ValueError):
    """One row's keys cannot be turned into arguments."""


@attrs.frozen
class _Target:
    column: Column
    group: str | None = None  # the nested value this column is a key of
    key: str | None = None  # the key inside it


@attrs.frozen
class Plan:
    """How each column of one file becomes arguments; ``unknown`` columns are ignored."""

    kind: Kind
    targets: Mapping[str, _Target]
    unknown: tuple[str, ...]

    def fields(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A row's arguments (snake_case); empty cells are left out, as absent fields.

        Raises RowError when two keys of the row give the same field (``firstName`` and
        ``first_name`` on one JSON line): which one was meant cannot be told.
        """
        fields: dict[str, Any] = {}
        given: dict[str, str] = {}  # field (or group.key) -> the key that gave it
        for raw, value in values.items():
            target = self.targets.get(raw)
            if target is None:
                continue
            for group, name, item in _items(target, value):
                slot = name if group is None else f"{group}.{name}"
                if slot in given:
                    raise RowError(f"{given[slot]!r} and {raw!r} both give {slot}; keep one")
                given[slot] = raw
                (fields if group is None else fields.setdefault(group, {}))[name] = item
        return fields

    def check_row(self, fields: Mapping[str, Any]) -> None:
        """Raise the SDK's ValidationError when a required value is empty (nothing is sent)."""
        missing = [name for name in self.kind.row_required if name not in fields]
        raise_if_any({to_camel(name): "is required (empty or missing)" for name in missing})


def _items(target: _Target, value: Any) -> Iterator[tuple[str | None, str, Any]]:
    """(group or None, name, value) for each non-empty value one column gives."""
    if target.group is not None and target.key is None:  # a whole JSON object
        value = _object(value)
        if isinstance(value, Mapping):
            for key, item in value.items():
                if (item := _text(item)) is not None:
                    yield target.group, str(key), item
        return
    converted = target.column.convert(value)
    if converted is not None:
        name = target.column.name if target.group is None else str(target.key)
        yield target.group, name, converted


def plan(
    kind: Kind, columns: Iterable[str], source: str, *, unique: bool = True, check: bool = True
) -> Plan:
    """Match a file's columns to ``kind``; ColumnsError when a required one is missing, or
    (``unique``: a CSV header) when two columns give the same field."""
    columns = list(columns)
    targets: dict[str, _Target] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for raw in columns:
        target = _target(kind, raw)
        if target is None:
            if raw not in unknown or not raw.strip():  # named once; nameless ones counted
                unknown.append(raw)
            continue
        slot = f"{target.group}.{target.key}" if target.group else target.column.name
        if unique and slot in seen:
            raise ColumnsError(
                f"{source}: columns {seen[slot]!r} and {raw!r} both give {slot}; keep one"
            )
        seen[slot] = raw
        targets[raw] = target
    present = {target.column.name for target in targets.values() if target.group is None}
    for need in kind.required if check else ():
        if not present.intersection(need):
            wanted = " or ".join(need)
            if not all(_looks_like_text(c) for c in columns):
                raise ColumnsError(
                    f"{source} has no {wanted} column, and its first line does not look like "
                    f"text (it starts {_start(columns)}): is it a CSV or JSON Lines file in "
                    "this --encoding?"
                )
            raise ColumnsError(
                f"{source} has no {wanted} column (its columns: {_shown(columns)}); accepted "
                f"columns: {kind.accepted()} (case, spaces, '_' and '-' are ignored: "
                "'First Name' is first_name)"
            )
    return Plan(kind, targets, tuple(unknown))


_SHOWN_COLUMNS, _SHOWN_CHARS, _START_CHARS = 10, 40, 16


def _looks_like_text(column: str) -> bool:
    # U+FFFD is what an undecodable byte became; control characters are not in headers.
    return "\ufffd" not in column and column.isprintable()


def _start(columns: list[str]) -> str:
    """The start of a line that is not text, escaped to ASCII: undecodable bytes are U+FFFD."""
    line = ",".join(columns)
    return ascii(line[:_START_CHARS]) + ("..." if len(line) > _START_CHARS else "")


def _shown(columns: list[str]) -> str:
    """The columns for a one-line message: repr-escaped, each and their number cut short, as
    a binary file's "header" is any bytes up to its first newline."""
    shown = [
        repr(c) if len(c) <= _SHOWN_CHARS else repr(c[:_SHOWN_CHARS]) + "..."
        for c in columns[:_SHOWN_COLUMNS]
    ]
    if len(columns) > _SHOWN_COLUMNS:
        shown.append(f"... {len(columns) - _SHOWN_COLUMNS} more")
    return ", ".join(shown) or "none"


def _target(kind: Kind, raw: str) -> _Target | None:
    column = _find(kind.columns, raw)
    if column is not None:
        return _Target(column)
    prefix, dot, key = raw.partition(".")
    for group in kind.groups:
        if _norm(prefix) != _norm(group.prefix):
            continue
        if not dot:  # the whole object, as JSON Lines give it
            return _Target(Column(group.prefix), group.prefix, None)
        if group.keys is None:
            return _Target(Column(key), group.prefix, key.strip()) if key.strip() else None
        sub = _find(group.keys, key)
        return None if sub is None else _Target(sub, group.prefix, sub.name)
    return None
