"""What the fake received: one record per request, for assertions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["RecordedRequest"]


@attrs.frozen(kw_only=True)
class RecordedRequest:
    """One request as the fake saw it, and what became of it.

    ``headers`` have lower-case names; the bearer key is shortened (``Bearer sk_test...abcd``).
    ``status`` is what the fake answered, or ``None`` when the response was dropped after the
    write. ``fault`` names the injected fault: ``"error"``, ``"malformed"``,
    ``"drop_after_commit"`` or ``None``. ``replayed`` is true when an Idempotency-Key replayed
    an earlier response.
    """

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    json: Any
    status: int | None
    request_id: str
    fault: str | None = None
    replayed: bool = False

    @property
    def idempotency_key(self) -> str | None:
        """The request's ``Idempotency-Key`` header, if sent."""
        return self.headers.get("idempotency-key")
