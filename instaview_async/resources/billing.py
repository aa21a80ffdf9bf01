"""``client.billing``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Billing"]


class Billing(Resource):
    """Billing: usage."""

    __slots__ = ()
