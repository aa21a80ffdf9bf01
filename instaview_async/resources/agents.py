"""``client.agents``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Agents"]


class Agents(Resource):
    """Agents (interview templates): list, get, create, update, delete."""

    __slots__ = ()
