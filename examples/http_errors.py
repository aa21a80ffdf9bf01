"""SDK errors as HTTP answers for a web app's callers; shared by the FastAPI and aiohttp examples.

The answer says whose problem it is, so a caller knows whether to fix its request or retry:

- ``NotFoundError``: 404, ``{"detail"}``;
- ``ConflictError``, ``InvalidStateTransitionError``: 409, ``{"detail", "existing_id"}``;
- ``ValidationError`` (from the server or before sending): 422, ``{"detail", "fields"}``;
- ``RateLimitError``: 503 with ``Retry-After`` in whole seconds;
- ``ServerError``, ``APIConnectionError`` (and its timeouts), ``CircuitOpenError``,
  ``ResponseDecodeError``: 502, ``{"detail", "error"}``;
- anything else (a rejected key, a missing scope, the billing limit): 500, logged.

Only the upstream failures are 502. A rejected key or a missing scope is this app's own
configuration, not the caller's request nor a passing outage, so it is a 500 and is logged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import attrs

from instaview_async import (
    APIConnectionError,
    CircuitOpenError,
    ConflictError,
    InstaViewError,
    InvalidStateTransitionError,
    NotFoundError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    ValidationError,
)

__all__ = ["HTTPAnswer", "answer_for"]

logger = logging.getLogger(__name__)

UPSTREAM_FAILURES = (ServerError, APIConnectionError, CircuitOpenError, ResponseDecodeError)
"""Errors that mean the InstaView API (or the way to it) failed: answered with 502."""


@attrs.frozen
class HTTPAnswer:
    """The status, JSON body and headers a web app answers with."""

    status: int
    body: Mapping[str, object]
    headers: Mapping[str, str] = attrs.Factory(dict)


def answer_for(error: InstaViewError) -> HTTPAnswer:
    """The HTTP answer for an SDK error a route did not handle itself."""
    if isinstance(error, NotFoundError):
        return HTTPAnswer(404, {"detail": error.message})
    if isinstance(error, ConflictError | InvalidStateTransitionError):
        existing = error.existing_resource_id if isinstance(error, ConflictError) else None
        return HTTPAnswer(409, {"detail": error.message, "existing_id": existing})
    if isinstance(error, ValidationError):
        return HTTPAnswer(422, {"detail": error.message, "fields": dict(error.field_errors)})
    if isinstance(error, RateLimitError):
        seconds = max(1, math.ceil(error.retry_after or 1))
        headers = {"Retry-After": str(seconds)}
        return HTTPAnswer(503, {"detail": "the InstaView API is busy, try again"}, headers)
    if isinstance(error, UPSTREAM_FAILURES):
        body = {"detail": "the InstaView API failed", "error": type(error).__name__}
        return HTTPAnswer(502, body)
    # str() of an SDK error never carries the API key, so it is safe to log.
    logger.error("InstaView call failed on this app's side: %s", error)
    return HTTPAnswer(500, {"detail": "this app cannot use the InstaView API"})
