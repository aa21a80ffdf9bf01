"""Choosing and building the APIError for an error reply: by ``code`` first, then by status."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from . import _exceptions as exc
from ._details import decode_details
from ._error_body import ErrorBody
from ._retry_after import body_retry_after, header_retry_after, reset_delay

if TYPE_CHECKING:
    from ._http import Response

__all__ = ["error_class", "error_from_body", "error_from_response"]

_BY_CODE: dict[str, type[exc.APIError]] = {
    "INVALID_API_KEY": exc.AuthenticationError,
    "API_KEY_SUSPENDED": exc.AuthenticationError,
    "INSUFFICIENT_PERMISSIONS": exc.PermissionDeniedError,
    "RESOURCE_ACCESS_DENIED": exc.PermissionDeniedError,
    "VALIDATION_ERROR": exc.ValidationError,
    "MISSING_REQUIRED_FIELD": exc.ValidationError,
    "RESOURCE_NOT_FOUND": exc.NotFoundError,
    "REQUEST_NOT_FOUND": exc.NotFoundError,
    "RESOURCE_CONFLICT": exc.ConflictError,
    "INVALID_STATE_TRANSITION": exc.InvalidStateTransitionError,
    "BILLING_LIMIT_EXCEEDED": exc.BillingLimitError,
    "RATE_LIMIT_EXCEEDED": exc.RateLimitError,
}

_BY_STATUS: dict[int, type[exc.APIError]] = {
    400: exc.ValidationError,
    401: exc.AuthenticationError,
    402: exc.BillingLimitError,
    403: exc.PermissionDeniedError,
    404: exc.NotFoundError,
    409: exc.ConflictError,
    422: exc.ValidationError,
    429: exc.RateLimitError,
}

_EXCERPT = 200


def error_class(code: str | None, status: int) -> type[exc.APIError]:
    """The exception class for an error code, falling back to the HTTP status."""
    by_code = _BY_CODE.get(code or "")
    if by_code is not None:
        return by_code
    if status >= 500:
        return exc.ServerError
    return _BY_STATUS.get(status, exc.APIError)


def error_from_response(response: Response) -> exc.APIError:
    """Build the APIError for a non-2xx reply, whatever its body (envelope, HTML, empty)."""
    try:
        body: Any = json.loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError):
        body = None
    return error_from_body(response, body)


def error_from_body(response: Response, body: Any) -> exc.APIError:
    """Build the APIError for a reply whose body was already parsed (``None`` if not JSON)."""
    code, message, raw_details = _read_error(body)
    if message is None:
        message = _fallback_message(response)
    status = response.status_code
    cls = error_class(code, status)
    kwargs: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "details": decode_details(code, raw_details),
        "request_id": response.headers.get("x-request-id"),
        "response": response,
    }
    if code is not None:
        kwargs["error"] = ErrorBody(code=code, message=message, details=kwargs["details"])
    if cls is exc.RateLimitError:
        kwargs["retry_after"] = retry_after_of(response, body)
    return cls(message, **kwargs)


def retry_after_of(
    response: Response, body: Any, wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds to wait after a 429: the body's retryAfter, then Retry-After, then reset headers."""
    for value in (
        body_retry_after(body),
        header_retry_after(response.headers, wall_clock),
        reset_delay(response.headers, "minute", wall_clock),
    ):
        if value is not None:
            return value
    return None


def _read_error(body: Any) -> tuple[str | None, str | None, Any]:
    if not isinstance(body, Mapping):
        return None, None, None
    error = body.get("error")
    if isinstance(error, Mapping):
        code = error.get("code")
        message = error.get("message")
        return (
            code if isinstance(code, str) else None,
            message if isinstance(message, str) else None,
            error.get("details"),
        )
    # The API's own 429 body: {statusCode, message, error: "Too Many Requests", retryAfter, ...}.
    message = body.get("message")
    if isinstance(message, list):  # NestJS validation pipes send a list of messages
        message = "; ".join(str(m) for m in message)
    return None, message if isinstance(message, str) else None, None


def _fallback_message(response: Response) -> str:
    text = " ".join(response.content[: _EXCERPT * 2].decode("utf-8", "replace").split())
    reason = response.reason_phrase or "error"
    if not text:
        return f"HTTP {response.status_code} {reason} (empty body)"
    excerpt = text if len(text) <= _EXCERPT else text[:_EXCERPT] + "..."
    return f"HTTP {response.status_code} {reason}: {excerpt}"
