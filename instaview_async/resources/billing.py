"""``client.billing``: usage."""

from __future__ import annotations

from datetime import date, datetime

from .._envelope import parse_json, structure, unwrap
from .._error_mapping import error_from_response
from ..models.billing import BillingUsage, normalize_usage
from ._base import Resource

__all__ = ["Billing"]


class Billing(Resource):
    """Billing (scope ``read:billing``); plans are managed in the dashboard only."""

    __slots__ = ()

    async def usage(
        self,
        *,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> BillingUsage:
        """Return usage between ``start`` and ``end`` (API default: the last 30 days).

        A regular key gets its company; an ATS key gets every company it manages plus totals.
        Older reply shapes (a cost-key map, no ``billingSystem``) decode to the same model.
        """
        params = {"start": _iso(start), "end": _iso(end)}
        request = self._client.build_request("GET", "/billing/usage", params=params)
        response = await self._client.send(request)
        if not response.is_success:
            raise error_from_response(response)
        data = normalize_usage(unwrap(parse_json(response), response))
        return structure(data, BillingUsage, response)


def _iso(value: date | datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value
