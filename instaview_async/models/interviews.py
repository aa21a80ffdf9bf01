"""Interviews: the Interview object, its call attempts and analysis, and an inline new job."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import attrs

from ._base import WireEnum
from .jobs import Education, Experience, NewJob

__all__ = [
    "Analysis",
    "AnalysisGeneral",
    "CallAttempt",
    "CallAttemptResult",
    "CallAttemptStatus",
    "Interview",
    "InterviewStatus",
    "NewJob",
]


def _also_accept(member: Enum, *spellings: str) -> None:
    # The docs spell the same state two ways. Registering the second spelling as a lookup key
    # makes both ``Status("CANCELED")`` and the package's decoder (which looks values up in this
    # map, so ``_missing_`` would not be consulted) return the one member.
    for spelling in spellings:
        type(member)._value2member_map_[spelling] = member


class InterviewStatus(WireEnum):
    """An interview's state; the docs' ``CANCELED`` spelling decodes to `CANCELLED` too."""

    UNDEFINED = "UNDEFINED"
    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class CallAttemptStatus(WireEnum):
    """A phone call attempt's state; ``CANCELED`` decodes to `CANCELLED` too."""

    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


_also_accept(InterviewStatus.CANCELLED, "CANCELED")
_also_accept(CallAttemptStatus.CANCELLED, "CANCELED")


@attrs.frozen(kw_only=True)
class CallAttempt:
    """One try at calling the candidate in a PHONE interview."""

    id: str
    direction: str | None = None
    """``OUTBOUND`` is the only value the docs show."""
    status: CallAttemptStatus | str | None = None
    reason_code: str | None = None
    """Why the attempt ended as it did, e.g. ``NO_ANSWER``."""
    notes: str | None = None
    retry_number: int | None = None
    recording_url: str | None = None
    duration: int | None = None
    """Call length in seconds."""
    scheduled_at: datetime | None = None
    called_at: datetime | None = None


@attrs.frozen(kw_only=True)
class AnalysisGeneral:
    """The general part of an interview analysis: ratings, strengths, weaknesses."""

    overall_rating: float | None = None
    """0 to 100."""
    company_fit_rating: str | None = None
    """E.g. ``HIGH``; the other values are not documented."""
    education: Education | str | None = None
    """An `Education` level, or free text such as "Master's degree in Computer Science"."""
    experience: Experience | str | None = None
    """An `Experience` level, or free text."""
    strong_points: tuple[str, ...] = ()
    weak_points: tuple[str, ...] = ()
    evaluation: tuple[Any, ...] = ()
    status: int | None = None
    """An integer whose meaning the docs do not give."""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Analysis:
    """What the AI made of an interview; `specific` holds type-specific data (language scores)."""

    id: str | None = None
    general: AnalysisGeneral | None = None
    specific: Mapping[str, Any] | None = None


@attrs.frozen(kw_only=True)
class Interview:
    """An AI interview of a candidate by an agent, possibly for a job."""

    id: str
    candidate_id: str | None = None
    agent_id: str | None = None
    job_id: str | None = None
    status: InterviewStatus | str | None = None
    scheduled_at: datetime | None = None
    duration_minutes: int | None = None
    finished_date: datetime | None = None
    metadata: Mapping[str, Any] | None = None
    call_attempts: tuple[CallAttempt, ...] = ()
    analysis: Analysis | None = None
    is_test: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class CallAttemptResult:
    """The reply to scheduling a call attempt: ``{success, message}``."""

    success: bool = True
    message: str | None = None
