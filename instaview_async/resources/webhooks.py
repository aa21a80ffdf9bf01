"""``client.webhooks``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Webhooks"]


class Webhooks(Resource):
    """Webhook configurations: list, get, create, update, delete, test, reset_circuit."""

    __slots__ = ()
