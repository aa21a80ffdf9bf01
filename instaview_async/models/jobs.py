"""Jobs: the Job object and its parts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ._base import WireEnum

__all__ = [
    "Education",
    "Experience",
    "Job",
    "JobFromUrl",
    "JobLocation",
    "JobStatus",
    "LanguageRequirement",
    "NewJob",
    "Salary",
    "WorkMode",
]


class JobStatus(WireEnum):
    """A job's status."""

    UNDEFINED = "UNDEFINED"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class Education(WireEnum):
    """Education levels the create-job request accepts (responses may hold other strings)."""

    UNDEFINED = "UNDEFINED"
    PRIMARY_EDUCATION = "PRIMARY_EDUCATION"
    SECONDARY_SCHOOL_STUDENT = "SECONDARY_SCHOOL_STUDENT"
    SECONDARY_WITHOUT_DIPLOMA = "SECONDARY_WITHOUT_DIPLOMA"
    SECONDARY_WITH_DIPLOMA = "SECONDARY_WITH_DIPLOMA"
    POST_SECONDARY_VOCATIONAL = "POST_SECONDARY_VOCATIONAL"
    UNIVERSITY_STUDENT = "UNIVERSITY_STUDENT"
    BACHELOR_LEVEL = "BACHELOR_LEVEL"
    MASTER_LEVEL = "MASTER_LEVEL"
    POSTGRADUATE = "POSTGRADUATE"


class Experience(WireEnum):
    """Experience levels the create-job request accepts (responses may hold other strings)."""

    UNDEFINED = "UNDEFINED"
    NO_EXPERIENCE = "NO_EXPERIENCE"
    LESS_THAN_1_YEAR = "LESS_THAN_1_YEAR"
    ONE_TO_3_YEARS = "ONE_TO_3_YEARS"
    THREE_TO_5_YEARS = "THREE_TO_5_YEARS"
    FIVE_TO_10_YEARS = "FIVE_TO_10_YEARS"


class WorkMode(WireEnum):
    """Where the work happens."""

    UNDEFINED = "UNDEFINED"
    ONSITE = "ONSITE"
    HYBRID = "HYBRID"
    REMOTE = "REMOTE"


@attrs.frozen(kw_only=True)
class LanguageRequirement:
    """A language and the CEFR proficiency a job needs (``EN``, ``B2``)."""

    language: str
    proficiency: str | None = None


@attrs.frozen(kw_only=True)
class JobLocation:
    """Where a job is, and how it is worked."""

    work_mode: WorkMode | str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


@attrs.frozen(kw_only=True)
class Salary:
    """A salary range."""

    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: str | None = None


@attrs.frozen(kw_only=True)
class Job:
    """A job posting."""

    id: str
    company_id: str | None = None
    title: str | None = None
    description: str | None = None
    status: JobStatus | str | None = None
    job_url: str | None = None
    benefits: str | None = None
    required_skills: tuple[str, ...] = ()
    nice_to_have_skills: tuple[str, ...] = ()
    language_requirements: tuple[LanguageRequirement, ...] = ()
    education: tuple[Education | str, ...] = ()
    experience: Experience | str | None = None
    contract_type: str | None = None
    location: JobLocation | None = None
    salary: Salary | None = None
    metadata: Mapping[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class JobFromUrl:
    """The result of ``POST /jobs/url``: the job (a preview with empty id if not created)."""

    data: Job
    source_url: str | None = None


@attrs.frozen(kw_only=True)
class NewJob:
    """A job to create inline with an interview (the same fields as ``jobs.create``)."""

    title: str
    description: str
    status: JobStatus | str | None = None
    job_url: str | None = None
    benefits: str | None = None
    required_skills: tuple[str, ...] = ()
    nice_to_have_skills: tuple[str, ...] = ()
    language_requirements: tuple[LanguageRequirement, ...] = ()
    education: tuple[Education | str, ...] = ()
    experience: Experience | str | None = None
    contract_type: str | None = None
    location: JobLocation | None = None
    salary: Salary | None = None
    metadata: Mapping[str, Any] | None = None
