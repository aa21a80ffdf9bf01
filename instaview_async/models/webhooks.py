"""Webhooks: configurations, test results, and the events InstaView delivers.

The docs spell event names three ways: numbers (``3``, webhooks resource guide), dotted labels
(``interview.completed``, webhooks guide, stored configs, older create page) and UPPER_SNAKE
(``INTERVIEW_COMPLETED``, newer create page, sourcing pages). `WebhookEventType` is the one enum
users see; it decodes all three spellings, and a name it does not know stays a plain ``str``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ._base import WireEnum, secret

__all__ = [
    "InterviewEventData",
    "WebhookConfig",
    "WebhookEvent",
    "WebhookEventType",
    "WebhookHeader",
    "WebhookHeaderInfo",
    "WebhookTestResult",
]


class WebhookEventType(WireEnum):
    """An event a webhook can subscribe to; decodes numeric, dotted and UPPER_SNAKE spellings.

    The value is the UPPER_SNAKE name, which is what the SDK sends: it is the spelling of the
    newer create-webhook page (the docs moved create from dotted to UPPER_SNAKE) and the only
    documented spelling of the sourcing and enrichment events. `label` gives the dotted form
    that responses list, `number` the numeric code (sourcing/enrichment events have none).
    """

    ANALYSIS_COMPLETED = "ANALYSIS_COMPLETED"
    ANALYSIS_FAILED = "ANALYSIS_FAILED"
    PING = "PING"
    INTERVIEW_COMPLETED = "INTERVIEW_COMPLETED"
    INTERVIEW_FAILED = "INTERVIEW_FAILED"
    INTERVIEW_STARTED = "INTERVIEW_STARTED"
    SOURCING_COMPLETED = "SOURCING_COMPLETED"
    SOURCING_FAILED = "SOURCING_FAILED"
    ENRICH_COMPLETED = "ENRICH_COMPLETED"
    ENRICH_FAILED = "ENRICH_FAILED"

    @property
    def label(self) -> str:
        """The dotted label (``interview.completed``) that responses and deliveries use."""
        return self.value.lower().replace("_", ".", 1)

    @property
    def number(self) -> int | None:
        """The numeric code of the webhooks resource guide, or None (sourcing, enrichment)."""
        return _NUMBERS.get(self)

    @classmethod
    def _missing_(cls, value: object) -> WebhookEventType | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return _BY_NUMBER.get(value)
        if not isinstance(value, str):
            return None
        text = value.strip()
        if text.isdigit():
            return _BY_NUMBER.get(int(text))
        return cls.__members__.get(text.replace(".", "_").upper())

    @classmethod
    def parse(cls, value: object) -> WebhookEventType | str:
        """Return the member for any spelling, or the value as a ``str`` when it is unknown."""
        try:
            return cls(value)
        except ValueError:
            return value if isinstance(value, str) else str(value)


_BY_NUMBER = {
    0: WebhookEventType.ANALYSIS_COMPLETED,
    1: WebhookEventType.ANALYSIS_FAILED,
    2: WebhookEventType.PING,
    3: WebhookEventType.INTERVIEW_COMPLETED,
    4: WebhookEventType.INTERVIEW_FAILED,
    5: WebhookEventType.INTERVIEW_STARTED,
}
_NUMBERS = {member: number for number, member in _BY_NUMBER.items()}


@attrs.frozen(kw_only=True)
class WebhookHeader:
    """A custom header sent with every delivery (request side: name 1-255, value 1-4096).

    Its value is usually a shared token, so the repr shows it as ``'***'``.
    """

    name: str
    value: str = secret(default=attrs.NOTHING)


@attrs.frozen(kw_only=True)
class WebhookHeaderInfo:
    """A configured custom header as the API returns it: the name only, the value masked."""

    name: str
    is_masked: bool | None = None


@attrs.frozen(kw_only=True)
class WebhookConfig:
    """A webhook configuration; `signing_secret` is only present in the reply to create.

    The repr shows the signing secret as ``'***'``; read it from the attribute.
    """

    id: str
    api_key_id: str | None = None
    company_id: str | None = None
    url: str | None = None
    name: str | None = None
    description: str | None = None
    headers: tuple[WebhookHeaderInfo, ...] = ()
    events: tuple[WebhookEventType | str, ...] = ()
    is_active: bool | None = None
    max_retries: int | None = None
    timeout_ms: int | None = None
    consecutive_failures: int | None = None
    circuit_opened_at: datetime | None = None
    signing_secret: str | None = secret()
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def circuit_open(self) -> bool:
        """True while deliveries are stopped by the breaker (until `reset_circuit`)."""
        return self.circuit_opened_at is not None


@attrs.frozen(kw_only=True)
class WebhookTestResult:
    """The outcome of a test ping; delivery id, status and duration come only on success."""

    success: bool
    message: str | None = None
    delivery_id: str | None = None
    http_status: int | None = None
    duration_ms: float | None = None


@attrs.frozen(kw_only=True)
class InterviewEventData:
    """The ``data`` of an ``interview.*`` delivery."""

    interview_id: str
    call_attempt_id: str | None = None
    candidate_id: str | None = None
    job_id: str | None = None
    status: str | None = None


@attrs.frozen(kw_only=True)
class WebhookEvent:
    """A delivery InstaView POSTed to your endpoint, as returned by ``parse_event``.

    ``data`` is `InterviewEventData` for ``interview.*`` events and the plain mapping for the
    others, whose payloads the docs do not describe. ``raw`` is the whole decoded body.
    """

    event: WebhookEventType | str
    data: InterviewEventData | Mapping[str, Any]
    delivery_id: str | None = None
    timestamp: datetime | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
