"""`ErrorBody`, the ``error`` member of a failed envelope.

It sits below both the exceptions that carry it and the envelope that contains it, so that
neither has to import the other.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["ErrorBody"]


@attrs.frozen(kw_only=True)
class ErrorBody:
    """The ``error`` member of a failed envelope."""

    code: str
    message: str = ""
    details: Any = None
