"""Turning keyword arguments into a camelCase JSON body."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any, Final, TypeVar
from urllib.parse import quote

import attrs

from ._converter import converter, to_camel

__all__ = ["NOT_GIVEN", "NotGiven", "body", "nested", "path_id", "plain", "sequence", "strings"]

T = TypeVar("T")


class NotGiven:
    """Marks an argument the caller left out, so that it is not sent (``None`` sends ``null``)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN: Final = NotGiven()


def plain(value: Any) -> Any:
    """Return a JSON-ready copy of a value: models, enums and dates become wire values."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if attrs.has(type(value)):
        return converter.unstructure(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


def nested(value: Any) -> Any:
    """Encode a nested model given as an attrs instance or a mapping (snake or camel keys)."""
    if isinstance(value, Mapping):
        return {to_camel(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [nested(v) for v in value]
    return plain(value)


def body(*, drop_none: bool, **fields: Any) -> dict[str, Any]:
    """Build a JSON body from snake_case fields, leaving out NOT_GIVEN (and None if asked)."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if value is NOT_GIVEN or (drop_none and value is None):
            continue
        out[to_camel(name)] = plain(value)
    return out


def sequence(name: str, value: Any) -> Any:
    """Check a list argument: a list or tuple (of anything), never a str, bytes or mapping.

    ``None`` and NOT_GIVEN pass through. A str is a sequence to Python, so ``job_ids="abc"``
    would otherwise be sent as the string (or as three one-letter ids): TypeError instead.
    """
    if value is None or value is NOT_GIVEN or isinstance(value, (list, tuple)):
        return value
    raise TypeError(f"{name} must be a list or tuple, not {type(value).__name__}")


def strings(name: str, value: Any) -> Any:
    """Check a list-of-str argument (``job_ids``, ``questions``, ...); see `sequence`."""
    sequence(name, value)
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise TypeError(f"{name}[{index}] must be a str, not {type(item).__name__}")
    return value


# What may not be in an id: a path or query delimiter, a backslash (some servers read it as a
# slash), whitespace. Dot segments and unprintable characters are refused separately.
_NOT_IN_AN_ID = re.compile(r"[/\\?#%\s]")
# URI "unreserved" characters: such an id is its own encoding.
_PLAIN_ID = re.compile(r"[A-Za-z0-9._~-]+").fullmatch


def path_id(name: str, value: object) -> str:
    """Return ``value`` as one URL path segment, or refuse it before anything is sent.

    The rule, the same for every id of every resource: an id is a non-empty ``str`` (else
    TypeError) of printable characters without ``/``, ``\\``, ``?``, ``#``, ``%`` or whitespace,
    and not ``.`` or ``..`` (else a ValidationError naming the argument). Percent-encoding such
    an id instead would not keep it in its segment everywhere: httpx removes dot segments after
    encoding, and servers and proxies that decode ``%2F`` before routing see a slash. The API's
    own ids never hold these characters, so refusing them loses nothing. Anything else (say a
    non-ASCII letter, ``;``) is percent-encoded and arrives as the same text.
    """
    if type(value) is str and _PLAIN_ID(value) and value not in _DOTS:
        return value  # the API's own ids: nothing to encode (the per-call fast path)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if _NOT_IN_AN_ID.search(value) is None and value.isprintable() and value not in _DOTS:
        return quote(value, safe="")
    raise _bad_id(name, value)


_DOTS = frozenset(("", ".", ".."))


def _bad_id(name: str, value: str) -> Exception:
    from ._exceptions import _not_sent

    if not value.strip():
        reason = "must be a non-empty string"
    elif value in _DOTS:
        reason = "must not be '.' or '..'"
    else:
        reason = (
            "must be one path segment: no '/', '\\', '?', '#', '%', whitespace or control "
            "characters"
        )
    shown = value if len(value) <= 40 else value[:40] + "..."
    return _not_sent({name: f"{reason} (got {shown!r})"})
