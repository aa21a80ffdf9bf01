"""``client.sourcing``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Sourcing"]


class Sourcing(Resource):
    """Sourcing and enrichment runs, previews and profile cards."""

    __slots__ = ()
