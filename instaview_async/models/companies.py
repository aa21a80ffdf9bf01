"""Companies: the Company object in both documented shapes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

__all__ = ["Company", "CompanyLocation", "CompanySettings"]


@attrs.frozen(kw_only=True)
class CompanyLocation:
    """Where a company is (companies guide shape)."""

    city: str | None = None
    country_code: str | None = None


@attrs.frozen(kw_only=True)
class CompanySettings:
    """A company's time zone and locale (companies guide shape)."""

    timezone: str | None = None
    locale: str | None = None


@attrs.frozen(kw_only=True)
class Company:
    """A company: the reference DTO's fields, plus the guide's fields when a server sends them.

    The API reference shows ``name, description, ownerEmail, metadata``; the companies guide
    shows ``website, industry, size, location, settings``. Both sets decode; whichever the
    server leaves out is None.
    """

    id: str
    name: str | None = None
    description: str | None = None
    owner_email: str | None = None
    metadata: Mapping[str, Any] | None = None
    website: str | None = None
    industry: str | None = None
    size: str | None = None
    """A size band as text (e.g. ``"50-200"``); a number is kept as its text."""
    location: CompanyLocation | None = None
    settings: CompanySettings | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
