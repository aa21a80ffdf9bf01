"""``client.phone_numbers``: list."""

from __future__ import annotations

from .._pagination import AsyncPager
from ..models.phone_numbers import PhoneNumber
from ._base import Resource

__all__ = ["PhoneNumbers"]


class PhoneNumbers(Resource):
    """The active phone numbers assigned to the company, for PHONE agents."""

    __slots__ = ()

    def list(self, *, page: int = 1, limit: int = 20) -> AsyncPager[PhoneNumber]:
        """Page through the company's phone numbers (ATS keys: set the client's company_id)."""
        return self._client.paginate("/phone-numbers", PhoneNumber, page=page, limit=limit)
