"""msgspec Structs equivalent to the SDK's Job models (open enums as plain str)."""

from datetime import datetime
from typing import Any

import msgspec


class Language(msgspec.Struct, frozen=True, rename="camel"):
    language: str
    proficiency: str | None = None


class Location(msgspec.Struct, frozen=True, rename="camel"):
    work_mode: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


class Salary(msgspec.Struct, frozen=True, rename="camel"):
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: str | None = None


class MJob(msgspec.Struct, frozen=True, rename="camel"):
    id: str
    company_id: str | None = None
    title: str | None = None
    description: str | None = None
    status: str | None = None
    job_url: str | None = None
    benefits: str | None = None
    required_skills: tuple[str, ...] = ()
    nice_to_have_skills: tuple[str, ...] = ()
    language_requirements: tuple[Language, ...] = ()
    education: tuple[str, ...] = ()
    experience: str | None = None
    contract_type: str | None = None
    location: Location | None = None
    salary: Salary | None = None
    metadata: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Pagination(msgspec.Struct, frozen=True, rename="camel"):
    page: int
    limit: int
    total: int | None = None
    total_pages: int | None = None
    has_next_page: bool | None = None


class Data(msgspec.Struct, frozen=True):
    items: tuple[MJob, ...]
    pagination: Pagination


class Envelope(msgspec.Struct, frozen=True):
    success: bool
    data: Data
    error: Any = None
    timestamp: datetime | None = None
