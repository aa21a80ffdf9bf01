"""``client.companies``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Companies"]


class Companies(Resource):
    """Companies: list, get, create (ATS keys), update."""

    __slots__ = ()
