"""Phone numbers: the numbers a company can call candidates from."""

from __future__ import annotations

from datetime import datetime

import attrs

from ._base import WireEnum

__all__ = ["PhoneNumber", "PhoneNumberCapability"]


class PhoneNumberCapability(WireEnum):
    """Which way a number can call (only ``OUTBOUND`` is shown in the docs' examples)."""

    OUTBOUND = "OUTBOUND"
    INBOUND = "INBOUND"
    BOTH = "BOTH"


@attrs.frozen(kw_only=True)
class PhoneNumber:
    """A company phone number; pass its `id` as an agent's ``company_phone_number_id``."""

    id: str
    number: str | None = None
    """E.164, e.g. ``+421...``."""
    company_id: str | None = None
    capabilities: PhoneNumberCapability | str | None = None
    custom: bool | None = None
    provider: str | None = None
    """E.g. ``TWILIO``."""
    status: str | None = None
    """E.g. ``AVAILABLE``."""
    number_type: str | None = None
    """E.g. ``LOCAL``."""
    location: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
