"""``client.candidates``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Candidates"]


class Candidates(Resource):
    """Candidates: list, get, create, update, delete, bulk_create."""

    __slots__ = ()
