"""Typed `details` of every documented error code (error-handling page).

An unknown code, or a known code whose details do not have the documented shape, keeps its
details as a plain mapping: a new server field never turns a useful APIError into a decode error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ._converter import converter

__all__ = [
    "ApiKeySuspendedDetails",
    "BillingLimitDetails",
    "ConflictDetails",
    "InsufficientPermissionsDetails",
    "InvalidStateTransitionDetails",
    "MissingFieldDetails",
    "RateLimitDetails",
    "ResourceNotFoundDetails",
    "ValidationErrorDetails",
    "decode_details",
]


@attrs.frozen(kw_only=True)
class ApiKeySuspendedDetails:
    """Details of API_KEY_SUSPENDED: when and why the key was suspended."""

    suspended_at: datetime | None = None
    reason: str | None = None


@attrs.frozen(kw_only=True)
class InsufficientPermissionsDetails:
    """Details of INSUFFICIENT_PERMISSIONS: the scope needed and the scopes the key has."""

    required: str | None = None
    available: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ValidationErrorDetails:
    """Details of VALIDATION_ERROR: a message per wire field name."""

    fields: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class MissingFieldDetails:
    """Details of MISSING_REQUIRED_FIELD: the field and its expected type.

    ``fields`` lists every missing field when the server names several (the testing fake does);
    the API's docs show only ``field`` and ``type``.
    """

    field: str | None = None
    type: str | None = None
    fields: Mapping[str, str] | None = None


@attrs.frozen(kw_only=True)
class ResourceNotFoundDetails:
    """Details of RESOURCE_NOT_FOUND: the resource type and id that were not found."""

    resource_type: str | None = None
    resource_id: str | None = None


@attrs.frozen(kw_only=True)
class ConflictDetails:
    """Details of RESOURCE_CONFLICT: the conflicting field and the existing resource's id."""

    conflicting_field: str | None = None
    existing_resource_id: str | None = None


@attrs.frozen(kw_only=True)
class RateLimitDetails:
    """Details of RATE_LIMIT_EXCEEDED: seconds to wait, the limit and its window."""

    retry_after: float | None = None
    limit: int | None = None
    window: str | None = None


@attrs.frozen(kw_only=True)
class BillingLimitDetails:
    """Details of BILLING_LIMIT_EXCEEDED: the limit, what was used and when it resets."""

    limit: float | None = None
    used: float | None = None
    reset_date: datetime | None = None


@attrs.frozen(kw_only=True)
class InvalidStateTransitionDetails:
    """Details of INVALID_STATE_TRANSITION: the current state, the action refused and why."""

    current_state: str | None = None
    attempted_action: str | None = None
    reason: str | None = None


_DETAILS: dict[str, type[Any]] = {
    "API_KEY_SUSPENDED": ApiKeySuspendedDetails,
    "INSUFFICIENT_PERMISSIONS": InsufficientPermissionsDetails,
    "VALIDATION_ERROR": ValidationErrorDetails,
    "MISSING_REQUIRED_FIELD": MissingFieldDetails,
    "RESOURCE_NOT_FOUND": ResourceNotFoundDetails,
    "RESOURCE_CONFLICT": ConflictDetails,
    "RATE_LIMIT_EXCEEDED": RateLimitDetails,
    "BILLING_LIMIT_EXCEEDED": BillingLimitDetails,
    "INVALID_STATE_TRANSITION": InvalidStateTransitionDetails,
}


def decode_details(code: str | None, raw: Any) -> Any:
    """Return typed details for a documented code, else the raw value unchanged."""
    cls = _DETAILS.get(code or "")
    if cls is None or not isinstance(raw, Mapping):
        return raw
    try:
        return converter.structure(raw, cls)
    except Exception:  # a shape the docs did not show: keep what the server said
        return raw
