"""The value formats the API docs state, defined once for the SDK's checks and the fake's.

The SDK refuses before sending what the API surely rejects, so a bad row costs no request;
the fake answers as the API does. Both read these, so they cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["is_date", "is_email", "is_phone", "is_uuid"]

# \Z, not $: "$" also matches before a trailing newline, which no valid value has.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")  # one '@', no spaces, a dot in the domain
_E164 = re.compile(r"^\+[1-9]\d{6,14}\Z")  # '+', then up to 15 digits
_UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z")


def is_email(value: object) -> bool:
    """An email address the API accepts (``a@b`` and ``a@@b.com`` are not)."""
    return isinstance(value, str) and _EMAIL.match(value) is not None


def is_phone(value: object) -> bool:
    """An E.164 phone number: ``+``, the country code and number, digits only."""
    return isinstance(value, str) and _E164.match(value) is not None


def is_uuid(value: object) -> bool:
    """A UUID in its 8-4-4-4-12 hex form."""
    return isinstance(value, str) and _UUID.match(value) is not None


def is_date(value: object) -> bool:
    """An ISO 8601 date (``YYYY-MM-DD``), as ``date.fromisoformat`` reads one."""
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
