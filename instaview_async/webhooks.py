"""Receiving webhooks: turn a delivery body into a typed `WebhookEvent`.

InstaView POSTs ``{event, timestamp, deliveryId, data}`` to the URL of each webhook
configuration (``client.webhooks.create``); answer with any 2xx. `parse_event` decodes that body::

    from instaview_async.webhooks import InterviewEventData, WebhookEventType, parse_event

    event = parse_event(await request.body())
    if event.event is WebhookEventType.INTERVIEW_COMPLETED:
        assert isinstance(event.data, InterviewEventData)
        interview = await client.interviews.get(event.data.interview_id)

Signatures are NOT verified here. Deliveries are signed (each configuration gets a 64-hex-digit
``signing_secret`` on create), but the documentation does not say which header carries the
signature, what is signed or with which algorithm, and this SDK will not guess: a guessed scheme
would either reject every genuine delivery or, worse, accept forged ones. Until the scheme is
documented:

- serve the endpoint over HTTPS only (the API refuses other URLs);
- configure a custom header holding a long random token as a shared secret
  (``headers=[WebhookHeader(name="X-Webhook-Token", value=token)]``) and compare it with
  ``hmac.compare_digest`` before calling `parse_event`; header values are never returned by the API;
- keep the ``signing_secret`` from the create reply (it is shown once) for when the scheme is
  published;
- treat deliveries as at-least-once (dedupe on ``delivery_id``) and, before acting on one, fetch the
  resource it names through the API instead of trusting the payload.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import cattrs

from ._converter import converter, describe_failure, parse_datetime
from ._exceptions import InstaViewError
from .models.webhooks import InterviewEventData, WebhookEvent, WebhookEventType, WebhookHeader

__all__ = [
    "InterviewEventData",
    "WebhookEvent",
    "WebhookEventType",
    "WebhookHeader",
    "WebhookPayloadError",
    "parse_event",
]

_INTERVIEW_EVENTS = frozenset(
    {
        WebhookEventType.INTERVIEW_COMPLETED,
        WebhookEventType.INTERVIEW_FAILED,
        WebhookEventType.INTERVIEW_STARTED,
    }
)


class WebhookPayloadError(InstaViewError, ValueError):
    """A delivery body that is not a webhook event; also a ValueError, as for any bad input.

    Not a ResponseDecodeError: that one describes a reply to a request the SDK sent, and a
    delivery is a request InstaView sent to you.
    """

    __module__ = "instaview_async"  # exported there (lazily, so not set by the package)


def parse_event(body: bytes | bytearray | str | Mapping[str, Any]) -> WebhookEvent:
    """Decode a delivery body (raw bytes, text or parsed JSON) into a `WebhookEvent`.

    Raises WebhookPayloadError when the body is not JSON, not an object, has no usable
    ``event``, or its ``timestamp``/``data`` do not have the documented shape.
    """
    payload = _load(body)
    event = _event_name(payload.get("event"))
    return WebhookEvent(
        event=event,
        data=_data(event, payload.get("data")),
        delivery_id=_delivery_id(payload.get("deliveryId")),
        timestamp=_timestamp(payload.get("timestamp")),
        raw=payload,
    )


def _load(body: bytes | bytearray | str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(body, Mapping):
        payload: Any = body
    else:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise WebhookPayloadError(f"webhook body is not valid JSON: {exc}") from None
    if not isinstance(payload, Mapping):
        raise WebhookPayloadError(
            f"webhook body must be a JSON object, got {type(payload).__name__}"
        )
    return dict(payload)


def _event_name(value: Any) -> WebhookEventType | str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise WebhookPayloadError(f"webhook body has no event name (event={value!r})")
    return WebhookEventType.parse(value)


def _data(event: WebhookEventType | str, value: Any) -> InterviewEventData | Mapping[str, Any]:
    if value is None:  # ping's payload is not documented; tolerate a missing or null one
        value = {}
    if not isinstance(value, Mapping):
        raise WebhookPayloadError(f"webhook data must be an object, got {type(value).__name__}")
    if not isinstance(event, WebhookEventType) or event not in _INTERVIEW_EVENTS:
        return dict(value)
    try:
        return converter.structure(value, InterviewEventData)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError):
        reason = describe_failure(value, InterviewEventData).replace("$", "$.data")
        raise WebhookPayloadError(f"{event.label} data does not match: {reason}") from None


def _delivery_id(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise WebhookPayloadError(f"webhook deliveryId must be a string, got {value!r}")


def _timestamp(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_datetime(value)
    except (TypeError, ValueError):
        raise WebhookPayloadError(f"webhook timestamp is not ISO 8601: {value!r}") from None
