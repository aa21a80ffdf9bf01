"""pydantic v2 models equivalent to the SDK's Job models (the decoding row's baseline)."""

# No `from __future__ import annotations`: pydantic and msgspec resolve these at class creation.
import enum
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Status(str, enum.Enum):
    UNDEFINED = "UNDEFINED"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, frozen=True, populate_by_name=True)


class Language(Model):
    language: str
    proficiency: str | None = None


class Location(Model):
    work_mode: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


class Salary(Model):
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: str | None = None


class PJob(Model):
    id: str
    company_id: str | None = None
    title: str | None = None
    description: str | None = None
    status: Status | str | None = None
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


class Pagination(Model):
    total: int | None = None
    page: int
    limit: int
    total_pages: int | None = None
    has_next_page: bool | None = None


class Data(Model):
    items: tuple[PJob, ...]
    pagination: Pagination


class Envelope(Model):
    success: bool
    data: Data
    error: Any = None
    timestamp: datetime | None = None
