"""API keys, their scopes and companies, and how a request's company is chosen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ._http import Problem, access_denied, iso
from ._validation import missing_field

__all__ = ["ALL_SCOPES", "ApiKey", "KeyRing", "request_company", "require_scope"]

ALL_SCOPES: tuple[str, ...] = (
    "read:jobs",
    "write:jobs",
    "delete:jobs",
    "read:candidates",
    "write:candidates",
    "delete:candidates",
    "read:interviews",
    "write:interviews",
    "delete:interviews",
    "read:agents",
    "write:agents",
    "delete:agents",
    "read:companies",
    "write:companies",
    "read:billing",
    "read:webhooks",
    "write:webhooks",
    "sourcing:read",
    "sourcing:write",
    "enrich:write",
)
"""Every scope the docs name; a key created with ``scopes=None`` has all of them."""


@attrs.define(eq=False)
class ApiKey:
    """A key the fake knows: its scopes, its company (regular) or the companies it manages (ATS)."""

    id: str
    secret: str
    scopes: frozenset[str]
    company_id: str | None
    ats: bool
    managed: set[str] = attrs.field(factory=set)
    suspended_at: float | None = None
    suspend_reason: str | None = None

    def can_access(self, company_id: str | None) -> bool:
        """Whether this key may act for ``company_id``."""
        if company_id is None:
            return False
        return company_id in self.managed if self.ats else company_id == self.company_id

    def companies(self) -> list[str]:
        """Every company this key may act for."""
        if self.ats:
            return sorted(self.managed)
        return [self.company_id] if self.company_id else []


class KeyRing:
    """The keys by secret."""

    def __init__(self) -> None:
        self.by_secret: dict[str, ApiKey] = {}

    def add(self, key: ApiKey) -> None:
        """Register a key."""
        self.by_secret[key.secret] = key

    def authenticate(self, authorization: str | None) -> ApiKey:
        """The key sent as ``Bearer <key>``; else 401 INVALID_API_KEY or API_KEY_SUSPENDED.

        All three failures are INVALID_API_KEY, as the docs have one code for them, but the
        message says which: no header, a header not of the form ``Bearer <key>``, or a key
        the fake does not know.
        """
        if not authorization or not authorization.strip():
            raise _invalid_key(
                "Missing Authorization header: send 'Authorization: Bearer <your API key>'"
            )
        scheme, _, secret = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise _invalid_key("Malformed Authorization header: expected 'Bearer <your API key>'")
        key = self.by_secret.get(secret.strip())
        if key is None:
            raise _invalid_key("The provided API key is invalid or has been revoked")
        if key.suspended_at is not None:
            raise Problem(
                401,
                "API_KEY_SUSPENDED",
                "This API key has been suspended",
                {"suspendedAt": iso(key.suspended_at), "reason": key.suspend_reason},
            )
        return key


def _invalid_key(message: str) -> Problem:
    return Problem(401, "INVALID_API_KEY", message)


def require_scope(key: ApiKey, scopes: Iterable[str]) -> None:
    """403 INSUFFICIENT_PERMISSIONS naming the first scope ``key`` lacks."""
    for scope in scopes:
        if scope not in key.scopes:
            raise Problem(
                403,
                "INSUFFICIENT_PERMISSIONS",
                f"This API key does not have the required scope: {scope}",
                {"required": scope, "available": sorted(key.scopes)},
            )


def request_company(key: ApiKey, query: Mapping[str, str]) -> str:
    """The company a resource request acts for.

    A regular key always acts for its own company (``companyId`` is ignored, as documented). An
    ATS key must name one of its companies with ``?companyId=``: leaving it out is 400
    MISSING_REQUIRED_FIELD (the docs do not say; this is the fake's choice), naming another is
    403 RESOURCE_ACCESS_DENIED.
    """
    if not key.ats:
        assert key.company_id is not None
        return key.company_id
    company_id = query.get("companyId")
    if not company_id:
        raise missing_field("companyId", "string (UUID), query parameter required for ATS keys")
    if company_id not in key.managed:
        raise access_denied("Access denied to this company")
    return company_id
