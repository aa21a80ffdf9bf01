"""``client.interviews``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Interviews"]


class Interviews(Resource):
    """AI interviews: list, get, create, delete, analysis_pdf, call_attempts."""

    __slots__ = ()
