"""Replaying the first response for a repeated ``Idempotency-Key``.

Records are kept per API key. A key seen again with the same method, path, query and JSON body
replays the stored status and body (with ``Idempotent-Replayed: true``) and writes nothing; the
same key with a different request is refused with 422 ``IDEMPOTENCY_KEY_REUSED``. Responses
with a 5xx status are not stored, so a retry after a server error runs again. Keys apply to
every method but GET.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import attrs

from ._http import Problem

__all__ = ["IdempotencyStore", "Stored", "fingerprint"]


@attrs.frozen
class Stored:
    """A stored response to replay."""

    fingerprint: str
    status: int
    body: bytes
    content_type: str | None


def fingerprint(method: str, path: str, query: Mapping[str, str], body: bytes) -> str:
    """What makes two requests "the same": method, path, query and the parsed JSON body."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True) if body else ""
    except ValueError:
        canonical = body.hex()
    text = json.dumps([method, path, sorted(query.items()), canonical])
    return hashlib.sha256(text.encode()).hexdigest()


class IdempotencyStore:
    """Stored responses by (API key id, Idempotency-Key)."""

    def __init__(self) -> None:
        self._stored: dict[tuple[str, str], Stored] = {}

    def lookup(self, key_id: str, idempotency_key: str, print_: str) -> Stored | None:
        """The response to replay, None if new, or 422 if the key was used for another request."""
        stored = self._stored.get((key_id, idempotency_key))
        if stored is None:
            return None
        if stored.fingerprint != print_:
            raise Problem(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was already used with a different request "
                "(method, path or body); use a new key for a new request",
                {"idempotencyKey": idempotency_key},
            )
        return stored

    def save(self, key_id: str, idempotency_key: str, stored: Stored) -> None:
        """Remember a response (5xx responses are never stored)."""
        if stored.status < 500:
            self._stored[key_id, idempotency_key] = stored
