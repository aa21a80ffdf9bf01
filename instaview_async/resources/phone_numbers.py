"""``client.phone_numbers``."""

from __future__ import annotations

from ._base import Resource

__all__ = ["PhoneNumbers"]


class PhoneNumbers(Resource):
    """Phone numbers assigned to the company: list."""

    __slots__ = ()
