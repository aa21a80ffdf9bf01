"""Sourcing and enrichment: run acknowledgements, results, candidates and profile cards.

These endpoints answer with a flat object that carries its own ``success`` (no ``data``
wrapper, or possibly inside one: the docs do not say). The models below are that flat object;
``client.sourcing`` unwraps either form. A run's `status` is ``processing`` (HTTP 202) until it
is ``completed`` or ``failed``.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from ._base import WireEnum

__all__ = [
    "EnrichedProfile",
    "EnrichmentResults",
    "ExperienceEntry",
    "PreviewCandidate",
    "PreviewResults",
    "RelevantExperience",
    "RenderedCard",
    "RenderedCards",
    "SourcedCandidate",
    "SourcingResults",
    "SourcingRun",
    "SourcingStatus",
    "Theme",
]


class SourcingStatus(WireEnum):
    """Where a sourcing, preview or enrichment run stands."""

    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class Theme(WireEnum):
    """Colour theme of rendered profile cards."""

    DARK = "dark"
    LIGHT = "light"


_DONE = (SourcingStatus.COMPLETED, SourcingStatus.FAILED)


@attrs.frozen(kw_only=True)
class SourcingRun:
    """The 202 acknowledgement of a sourcing, preview or enrichment request: its id and status."""

    request_id: str
    success: bool | None = None
    status: SourcingStatus | str | None = None
    message: str | None = None
    webhook_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class _RunResults:
    """What every results endpoint shares: the run's status, timing and failure reason."""

    request_id: str
    success: bool | None = None
    status: SourcingStatus | str | None = None
    message: str | None = None
    webhook_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None

    @property
    def done(self) -> bool:
        """True once the run is ``completed`` or ``failed`` (polling can stop)."""
        return self.status in _DONE


@attrs.frozen(kw_only=True)
class RelevantExperience:
    """One step of the AI's detailed rationale: a past role and why it is relevant."""

    title: str | None = None
    company: str | None = None
    duration: str | None = None
    relevance_explanation: str | None = None


@attrs.frozen(kw_only=True)
class ExperienceEntry:
    """One entry of a candidate's work history."""

    role: str | None = None
    company: str | None = None
    duration: str | None = None
    highlights: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SourcedCandidate:
    """A sourced (and enriched) candidate profile with the AI's match score (0-100)."""

    profile_id: str
    name: str | None = None
    linkedin_url: str | None = None
    match_score: float | None = None
    rationale: str | None = None
    skills: tuple[str, ...] = ()
    headline: str | None = None
    location: str | None = None
    current_company: str | None = None
    current_role: str | None = None
    ai_fit_points: tuple[str, ...] = ()
    ai_red_flags: tuple[str, ...] = ()
    ai_detailed_rationale: tuple[RelevantExperience, ...] = ()
    detailed_experience: tuple[ExperienceEntry, ...] = ()
    emails: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SourcingResults(_RunResults):
    """Results of a sourcing run: a count while processing, candidates once completed."""

    candidates_sourced_count: int | None = None
    found_count: int | None = None
    scored_count: int | None = None
    candidates: tuple[SourcedCandidate, ...] = ()


@attrs.frozen(kw_only=True)
class PreviewCandidate:
    """A preview profile: the provider's nine summary fields, no deep enrichment."""

    profile_id: str
    full_name: str | None = None
    profile_url: str | None = None
    title: str | None = None
    headline: str | None = None
    location: str | None = None
    country: str | None = None
    company_name: str | None = None
    company_url: str | None = None


@attrs.frozen(kw_only=True)
class PreviewResults(_RunResults):
    """Results of a preview run."""

    candidates_sourced_count: int | None = None
    found_count: int | None = None
    candidates: tuple[PreviewCandidate, ...] = ()


@attrs.frozen(kw_only=True)
class EnrichedProfile:
    """One profile of an enrichment run; ``success: false`` ones failed alone and are unbilled."""

    profile_id: str
    success: bool | None = None
    candidate: SourcedCandidate | None = None
    error_code: str | None = None
    error_message: str | None = None


@attrs.frozen(kw_only=True)
class EnrichmentResults(_RunResults):
    """Results of an enrichment run; a completed run may still hold per-profile failures."""

    enriched_count: int | None = None
    failure_count: int | None = None
    credits_consumed: float | None = None
    profiles: tuple[EnrichedProfile, ...] = attrs.field(default=(), metadata={"wire": "data"})

    @property
    def failed_profiles(self) -> tuple[EnrichedProfile, ...]:
        """The profiles that could not be enriched (``success`` false)."""
        return tuple(p for p in self.profiles if p.success is False)


@attrs.frozen(kw_only=True)
class RenderedCard:
    """An HTML profile card (inline CSS only), or ``error_code`` such as ``PROFILE_NOT_FOUND``."""

    profile_id: str
    success: bool | None = None
    name: str | None = None
    html_content: str | None = None
    error_code: str | None = None


@attrs.frozen(kw_only=True)
class RenderedCards:
    """The reply of render-html: one card per requested profile, in order."""

    success: bool | None = None
    rendered_count: int | None = None
    cards: tuple[RenderedCard, ...] = attrs.field(default=(), metadata={"wire": "data"})
