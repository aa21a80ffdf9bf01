"""What a handler sees and returns: the parsed request, the reply, and the API's error body."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import attrs

__all__ = [
    "JSON_TYPE",
    "Problem",
    "Reply",
    "access_denied",
    "envelope",
    "error_envelope",
    "invalid_state",
    "iso",
    "json_bytes",
    "not_found",
]

JSON_TYPE = "application/json; charset=utf-8"


class Problem(Exception):
    """An error reply a handler raises: HTTP status, error code, message and details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


@attrs.frozen
class Reply:
    """A success reply: ``data`` goes into the envelope (``status`` 204 sends no body)."""

    data: Any = None
    status: int = 200


def iso(ts: float) -> str:
    """A Unix timestamp as the API writes it: ISO 8601 UTC with milliseconds and ``Z``."""
    moment = datetime.fromtimestamp(ts, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def envelope(data: Any, now: float) -> dict[str, Any]:
    """The success envelope ``{success, data, error, timestamp}``."""
    return {"success": True, "data": data, "error": None, "timestamp": iso(now)}


def error_envelope(problem: Problem, now: float) -> dict[str, Any]:
    """The failure envelope; ``details`` is left out when there are none, as the docs show."""
    error: dict[str, Any] = {"code": problem.code, "message": problem.message}
    if problem.details is not None:
        error["details"] = problem.details
    return {"success": False, "data": None, "error": error, "timestamp": iso(now)}


def not_found(resource_type: str, resource_id: str) -> Problem:
    """404 RESOURCE_NOT_FOUND naming the resource type and id."""
    return Problem(
        404,
        "RESOURCE_NOT_FOUND",
        f"{resource_type} with ID {resource_id} not found",
        {"resourceType": resource_type, "resourceId": resource_id},
    )


def access_denied(message: str = "Access denied to this resource") -> Problem:
    """403 RESOURCE_ACCESS_DENIED: the resource belongs to another company (or key)."""
    return Problem(403, "RESOURCE_ACCESS_DENIED", message)


def invalid_state(current: str, action: str, reason: str, status: int = 409) -> Problem:
    """INVALID_STATE_TRANSITION (409 unless the docs name another status)."""
    return Problem(
        status,
        "INVALID_STATE_TRANSITION",
        reason,
        {"currentState": current, "attemptedAction": action, "reason": reason},
    )
