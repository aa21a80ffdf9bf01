"""Candidates: the Candidate object, its status, and a new candidate to create inline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs

from ._base import WireEnum

__all__ = ["Candidate", "CandidateLinks", "CandidateStatus", "NewCandidate"]


class CandidateStatus(WireEnum):
    """Where a candidate stands; values outside the enum (e.g. ``INTERVIEWING``) stay strings."""

    UNDEFINED = "UNDEFINED"
    APPLIED = "APPLIED"
    IN_PROCESS = "IN_PROCESS"
    REJECTED = "REJECTED"
    ACCEPTED = "ACCEPTED"


@attrs.frozen(kw_only=True)
class CandidateLinks:
    """URLs of a candidate's related collections (those endpoints are not documented yet)."""

    analyses: str | None = None
    interviews: str | None = None


@attrs.frozen(kw_only=True)
class Candidate:
    """A person applying for jobs, or waiting in the talent pool with no job at all."""

    id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    status: CandidateStatus | str | None = None
    job_id: str | None = None
    """Deprecated by the API in favour of `job_ids`; still sent by some versions."""
    job_ids: tuple[str, ...] = ()
    gdpr_expiry_date: date | None = None
    overall_rating: float | None = None
    metadata: Mapping[str, Any] | None = None
    analysis_count: int | None = None
    interview_count: int | None = None
    links: CandidateLinks | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class NewCandidate:
    """A candidate to create inline with an interview (same rules as ``candidates.create``)."""

    first_name: str
    last_name: str
    email: str | None = None
    phone_number: str | None = None
    gdpr_expiry_date: date | None = None
    job_id: str | None = None
    job_ids: tuple[str, ...] = ()
    metadata: Mapping[str, Any] | None = None
