"""Field rules of the docs, checked the way the API reports them.

One rule, whatever the number of problems: when the only problems are missing required fields
(one or several), the answer is ``MISSING_REQUIRED_FIELD``, whose ``details.field`` and
``details.type`` name the first missing field in the documented order (the page's shape) and
whose ``details.fields`` lists every missing one; when any field present is invalid too, it is
``VALIDATION_ERROR`` with a message per wire field name in ``details.fields``, the missing
ones included (nested fields as ``location.countryCode``, list items as ``jobIds[0]``).
Unknown body fields are refused like NestJS's ``forbidNonWhitelisted`` so a misspelt camelCase
name fails loudly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from .._formats import is_date, is_email, is_phone, is_uuid
from ._http import Problem

__all__ = [
    "Field",
    "boolean",
    "check_body",
    "email",
    "enum",
    "integer",
    "iso_date",
    "iso_datetime",
    "items",
    "metadata",
    "number",
    "obj",
    "phone",
    "string",
    "uuid",
]

Check = Callable[[Any], "str | None"]


@attrs.frozen
class Field:
    """One body field: its wire name, documented type, rule, and whether create requires it."""

    name: str
    type: str
    check: Check
    required: bool = False


def check_body(
    body: Mapping[str, Any], fields: Sequence[Field], *, partial: bool = False
) -> dict[str, Any]:
    """Return the known fields of ``body``, or raise the API's validation Problem."""
    errors: dict[str, str] = {}
    missing: list[Field] = []
    known = {f.name for f in fields}
    for name in body:
        if name not in known:
            errors[name] = f"property {name} should not exist"
    for field in fields:
        _check_field(body, field, partial, errors, missing)
    raise_if(errors, missing)
    return {k: v for k, v in body.items() if k in known}


def _check_field(
    body: Mapping[str, Any],
    field: Field,
    partial: bool,
    errors: dict[str, str],
    missing: list[Field],
) -> None:
    value = body.get(field.name)
    if value is None:
        if field.required and (field.name in body or not partial):
            missing.append(field)
            errors[field.name] = f"{field.name} is required"
        return
    problem = field.check(value)
    if problem is not None:
        joined = problem[0] in "[."
        errors[field.name] = f"{field.name}{problem}" if joined else f"{field.name} {problem}"


def raise_if(errors: Mapping[str, str], missing: Sequence[Field] = ()) -> None:
    """Raise MISSING_REQUIRED_FIELD or VALIDATION_ERROR for the collected errors, if any."""
    if not errors:
        return
    if missing and len(errors) == len(missing):
        raise _missing([(f.name, f.type) for f in missing])
    raise invalid(errors)


def missing_field(name: str, type_: str) -> Problem:
    """MISSING_REQUIRED_FIELD for one field."""
    return _missing([(name, type_)])


def _missing(fields: Sequence[tuple[str, str]]) -> Problem:
    names = [name for name, _ in fields]
    plural = "s" if len(names) > 1 else ""
    return Problem(
        400,
        "MISSING_REQUIRED_FIELD",
        f"Missing required field{plural}: {', '.join(names)}",
        {
            "field": names[0],
            "type": fields[0][1],
            "fields": {name: f"{name} is required" for name in names},
        },
    )


def invalid(fields: Mapping[str, str]) -> Problem:
    """VALIDATION_ERROR with the given per-field messages."""
    return Problem(400, "VALIDATION_ERROR", "Request validation failed", {"fields": dict(fields)})


# -- rules --------------------------------------------------------------------------------------


def string(min_len: int = 0, max_len: int | None = None) -> Check:
    """A string of ``min_len`` to ``max_len`` characters."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a string"
        if len(value) < min_len:
            return f"must be longer than or equal to {min_len} characters"
        if max_len is not None and len(value) > max_len:
            return f"must be shorter than or equal to {max_len} characters"
        return None

    return check


def integer(minimum: int | None = None, maximum: int | None = None) -> Check:
    """An integer within bounds."""

    def check(value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return "must be an integer number"
        return _bounds(value, minimum, maximum)

    return check


def number(minimum: float | None = None, maximum: float | None = None) -> Check:
    """A number within bounds."""

    def check(value: Any) -> str | None:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return "must be a number"
        return _bounds(value, minimum, maximum)

    return check


def _bounds(value: float, minimum: float | None, maximum: float | None) -> str | None:
    if minimum is not None and value < minimum:
        return f"must not be less than {minimum}"
    if maximum is not None and value > maximum:
        return f"must not be greater than {maximum}"
    return None


def boolean() -> Check:
    """A JSON boolean."""
    return lambda value: None if isinstance(value, bool) else "must be a boolean value"


def enum(choices: Collection[str]) -> Check:
    """One of ``choices``."""
    allowed = ", ".join(choices)

    def check(value: Any) -> str | None:
        if value in choices:
            return None
        return f"must be one of the following values: {allowed}"

    return check


def uuid() -> Check:
    """A UUID string."""
    return lambda v: None if is_uuid(v) else "must be a UUID"


def email() -> Check:
    """An email address."""
    return lambda v: None if is_email(v) else "must be an email"


def phone() -> Check:
    """An E.164 phone number (``+`` then up to 15 digits)."""
    return lambda v: (
        None if is_phone(v) else "must be a valid phone number in E.164 format (e.g. +421900123456)"
    )


def iso_date() -> Check:
    """A ``YYYY-MM-DD`` date."""

    return lambda v: None if is_date(v) else "must be a valid ISO 8601 date string (YYYY-MM-DD)"


def iso_datetime() -> Check:
    """An ISO 8601 date-time."""

    def check(value: Any) -> str | None:
        return None if parse_datetime(value) is not None else "must be a valid ISO 8601 date string"

    return check


def parse_datetime(value: Any) -> float | None:
    """An ISO 8601 date-time as a Unix timestamp (naive means UTC), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        from datetime import timezone

        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def items(check: Check, *, min_items: int = 0, max_items: int | None = None) -> Check:
    """An array whose items each pass ``check``."""

    def check_list(value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be an array"
        if len(value) < min_items:
            return f"must contain at least {min_items} elements"
        if max_items is not None and len(value) > max_items:
            return f"must contain no more than {max_items} elements"
        for index, item in enumerate(value):
            problem = check(item)
            if problem is not None:
                return f"[{index}] {problem}"
        return None

    return check_list


def obj(fields: Sequence[Field]) -> Check:
    """A nested object with its own fields (errors name the first bad nested field)."""

    def check(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return "must be an object"
        try:
            check_body(value, fields)
        except Problem as problem:
            details = problem.details or {}
            if "field" in details:
                return f".{details['field']} is required"
            return "." + str(next(iter(details["fields"].values())))
        return None

    return check


def metadata() -> Check:
    """A free JSON object: at most 10 KB, 5 levels deep and 50 keys (the docs' limits)."""

    def check(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return "must be an object"
        if len(json.dumps(value)) > 10 * 1024:
            return "must not exceed 10 KB"
        if _depth(value) > 5:
            return "must not be nested more than 5 levels deep"
        if _keys(value) > 50:
            return "must not have more than 50 keys"
        return None

    return check


def _depth(value: Any) -> int:
    if isinstance(value, Mapping):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_depth(v) for v in value), default=0)
    return 0


def _keys(value: Any) -> int:
    if isinstance(value, Mapping):
        return len(value) + sum(_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_keys(v) for v in value)
    return 0
