"""``client.companies``: list, get, create (ATS keys), update."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._pagination import AsyncPager
from .._wire import NOT_GIVEN, NotGiven, body, nested, path_id
from ..models.companies import Company, CompanyLocation, CompanySettings
from . import _validate
from ._base import Resource

__all__ = ["Companies"]

_PATH = "/company"
"""The API reference's singular path; the guides' ``/companies`` is not what the reference shows."""


class Companies(Resource):
    """Companies (scopes ``read:companies``, ``write:companies``); there is no delete."""

    __slots__ = ()

    def list(self, *, page: int = 1, limit: int = 20) -> AsyncPager[Company]:
        """Page through companies: a regular key's own one, or every company an ATS key created."""
        return self._client.paginate(_PATH, Company, page=page, limit=limit)

    async def get(self, company_id: str) -> Company:
        """Fetch one company; PermissionDeniedError if the key may not see it."""
        return await self._client.request("GET", _path(company_id), Company)

    async def create(
        self,
        *,
        name: str,
        description: str | None = None,
        owner_email: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        website: str | None = None,
        industry: str | None = None,
        size: str | None = None,
        location: CompanyLocation | Mapping[str, Any] | None = None,
        settings: CompanySettings | Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Company:
        """Create a company (201; ATS keys only, others get PermissionDeniedError).

        ``owner_email`` makes an existing InstaView user the OWNER, or invites the address.
        ``website`` .. ``settings`` come from the companies guide, not the reference, and are
        sent only when given. Raises ValidationError before sending when the name is not
        2-100 characters, the description not 1-1000 or the owner email over 254.
        """
        payload = body(
            drop_none=True,
            name=name,
            description=description,
            owner_email=owner_email,
            metadata=metadata,
            website=website,
            industry=industry,
            size=size,
            location=_nested(location),
            settings=_nested(settings),
        )
        _validate.check(_validate.company, payload)
        return await self._client.request(
            "POST", _PATH, Company, json=payload, idempotency_key=idempotency_key
        )

    async def update(
        self,
        company_id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        owner_email: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        website: str | NotGiven | None = NOT_GIVEN,
        industry: str | NotGiven | None = NOT_GIVEN,
        size: str | NotGiven | None = NOT_GIVEN,
        location: CompanyLocation | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        settings: CompanySettings | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    ) -> Company:
        """Change only the fields given (``None`` sends ``null``); ``metadata`` is merged in."""
        payload = body(
            drop_none=False,
            name=name,
            description=description,
            owner_email=owner_email,
            metadata=metadata,
            website=website,
            industry=industry,
            size=size,
            location=_nested(location),
            settings=_nested(settings),
        )
        _validate.check(_validate.company, payload)
        return await self._client.request("PATCH", _path(company_id), Company, json=payload)


def _path(company_id: str) -> str:
    return f"{_PATH}/{path_id('company_id', company_id)}"


def _nested(value: Any) -> Any:
    return value if value is None or isinstance(value, NotGiven) else nested(value)
