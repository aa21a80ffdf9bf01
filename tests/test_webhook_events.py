"""instaview_async.webhooks.parse_event: delivery bodies into typed events."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.webhooks import (
    InterviewEventData,
    WebhookEventType,
    WebhookPayloadError,
    parse_event,
)

INTERVIEW_DATA = {
    "interviewId": "550e8400-e29b-41d4-a716-446655440000",
    "callAttemptId": "660e8400-e29b-41d4-a716-446655440001",
    "candidateId": "770e8400-e29b-41d4-a716-446655440002",
    "jobId": "880e8400-e29b-41d4-a716-446655440003",
    "status": "COMPLETED",
}


def delivery(event: Any = "interview.completed", **overrides: Any) -> dict[str, Any]:
    """A delivery body as the webhooks guide shows it."""
    body = {
        "event": event,
        "timestamp": "2024-01-15T10:30:00.123Z",
        "deliveryId": "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
        "data": INTERVIEW_DATA,
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    "encode",
    [
        lambda b: json.dumps(b).encode(),
        json.dumps,
        lambda b: b,
        lambda b: bytearray(json.dumps(b), "utf-8"),
    ],
    ids=["bytes", "str", "mapping", "bytearray"],
)
def test_an_interview_delivery_gets_typed_data(encode: Any) -> None:
    """An interview.completed body, raw or parsed, becomes an event with InterviewEventData."""
    event = parse_event(encode(delivery()))
    assert event.event is WebhookEventType.INTERVIEW_COMPLETED
    assert event.delivery_id == "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6"
    assert event.timestamp == datetime(2024, 1, 15, 10, 30, 0, 123000, tzinfo=timezone.utc)
    assert event.data == InterviewEventData(
        interview_id="550e8400-e29b-41d4-a716-446655440000",
        call_attempt_id="660e8400-e29b-41d4-a716-446655440001",
        candidate_id="770e8400-e29b-41d4-a716-446655440002",
        job_id="880e8400-e29b-41d4-a716-446655440003",
        status="COMPLETED",
    )
    assert event.raw["deliveryId"] == event.delivery_id


@pytest.mark.parametrize(
    ("spelling", "member"),
    [
        ("interview.failed", WebhookEventType.INTERVIEW_FAILED),
        ("INTERVIEW_FAILED", WebhookEventType.INTERVIEW_FAILED),
        (4, WebhookEventType.INTERVIEW_FAILED),
        (5, WebhookEventType.INTERVIEW_STARTED),
        ("interview.started", WebhookEventType.INTERVIEW_STARTED),
    ],
)
def test_every_spelling_of_an_interview_event_gets_typed_data(
    spelling: Any, member: WebhookEventType
) -> None:
    """Numeric, dotted and UPPER_SNAKE interview events all decode to the enum and typed data."""
    event = parse_event(delivery(spelling))
    assert event.event is member
    assert isinstance(event.data, InterviewEventData)


@pytest.mark.parametrize(
    ("spelling", "member", "data"),
    [
        (
            "analysis.completed",
            WebhookEventType.ANALYSIS_COMPLETED,
            {"interviewId": "i1", "analysisPdfBase64": "JVBERi0=", "score": 8},
        ),
        (1, WebhookEventType.ANALYSIS_FAILED, {"interviewId": "i1", "error": "model timeout"}),
        ("SOURCING_COMPLETED", WebhookEventType.SOURCING_COMPLETED, {"requestId": "req_1"}),
        ("sourcing.failed", WebhookEventType.SOURCING_FAILED, {"requestId": "req_1"}),
        ("ENRICH_COMPLETED", WebhookEventType.ENRICH_COMPLETED, {"requestId": "enr_1"}),
        ("enrich.failed", WebhookEventType.ENRICH_FAILED, {"requestId": "enr_1"}),
    ],
)
def test_other_events_keep_their_data_as_a_mapping(
    spelling: Any, member: WebhookEventType, data: dict[str, Any]
) -> None:
    """Events whose payload the docs do not describe keep data as a plain mapping."""
    event = parse_event(delivery(spelling, data=data))
    assert (event.event, event.data) == (member, data)


@pytest.mark.parametrize("data", [None, {}, {"message": "ping"}])
def test_ping_tolerates_any_data(data: Any) -> None:
    """A ping with null, empty or some data decodes; null data becomes an empty mapping."""
    body = delivery("ping", data=data)
    event = parse_event(body)
    assert (event.event, event.data) == (WebhookEventType.PING, data or {})


def test_a_ping_without_data_or_delivery_id_decodes() -> None:
    """Only the event name is required."""
    event = parse_event(b'{"event": 2}')
    assert (event.event, event.data, event.delivery_id, event.timestamp) == (
        WebhookEventType.PING,
        {},
        None,
        None,
    )


def test_an_unknown_event_stays_a_string() -> None:
    """A new event name is kept as a str and its data as a mapping."""
    event = parse_event(delivery("candidate.created", data={"candidateId": "c1"}))
    assert (event.event, event.data) == ("candidate.created", {"candidateId": "c1"})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>502</html>", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (b'{"data": {}}', "no event name"),
        (delivery(None), "no event name"),
        (delivery(True), "no event name"),
        (delivery(""), "no event name"),
        (delivery(data=[1, 2]), "data must be an object"),
        (delivery(data={"status": "COMPLETED"}), "interview.completed data does not match"),
        (delivery(timestamp="yesterday"), "timestamp is not ISO 8601"),
        (delivery(deliveryId=12), "deliveryId must be a string"),
    ],
    ids=[
        "html",
        "binary",
        "empty",
        "array",
        "no-event",
        "null-event",
        "bool-event",
        "blank-event",
        "data-list",
        "interview-without-id",
        "bad-timestamp",
        "numeric-delivery-id",
    ],
)
def test_garbage_raises_a_clear_error(body: Any, reason: str) -> None:
    """A body that is not a webhook event raises WebhookPayloadError saying why."""
    with pytest.raises(WebhookPayloadError, match=reason):
        parse_event(body)


def test_the_payload_error_is_an_sdk_error_and_a_value_error() -> None:
    """WebhookPayloadError can be caught as InstaViewError or as ValueError."""
    assert issubclass(WebhookPayloadError, iv.InstaViewError)
    assert issubclass(WebhookPayloadError, ValueError)
