"""client.webhooks: the requests each method sends and what it returns."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.models.webhooks import (
    WebhookConfig,
    WebhookEventType,
    WebhookHeader,
    WebhookHeaderInfo,
    WebhookTestResult,
)
from tests.conftest import envelope, error_reply
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

WEBHOOK_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def webhook_json(**overrides: Any) -> dict[str, Any]:
    """A webhook configuration as the reference pages show it (events as dotted labels)."""
    config: dict[str, Any] = {
        "id": WEBHOOK_ID,
        "apiKeyId": "a1",
        "companyId": None,
        "url": "https://example.com/hooks/instaview",
        "name": "Production",
        "description": "Interview results",
        "headers": [{"name": "X-Webhook-Token", "isMasked": True}],
        "events": ["interview.completed", "analysis.completed"],
        "isActive": True,
        "maxRetries": 3,
        "timeoutMs": 30000,
        "consecutiveFailures": 0,
        "circuitOpenedAt": None,
        "createdAt": "2024-11-16T10:30:00Z",
        "updatedAt": "2024-11-16T10:30:00Z",
    }
    config.update(overrides)
    return config


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.mark.parametrize(
    ("shape", "total"),
    [
        (lambda items: {"data": items, "total": 2}, 2),
        (lambda items: {"items": items, "pagination": {"total": 2, "hasNextPage": True}}, 2),
        (lambda items: items, None),
    ],
    ids=["data-total", "items-pagination", "bare-list"],
)
async def test_list_sends_no_paging_and_returns_one_page(shape: Any, total: int | None) -> None:
    """list sends GET /webhooks without page/limit; any list shape is the whole list."""
    recorder = Recorder([envelope(shape([webhook_json(), webhook_json(id="w2")]))])
    async with make_client(recorder) as client:
        page = await client.webhooks.list()
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path, sent.url.query) == ("GET", "/webhooks", b"")
    assert [w.id for w in page.items] == [WEBHOOK_ID, "w2"]
    assert (page.total, page.page, page.limit, page.has_next) == (total, 1, 2, False)


@pytest.mark.parametrize(
    ("client_company", "company_id", "sent"),
    [(None, "c-9", "c-9"), ("c-ats", None, "c-ats"), ("c-ats", "c-9", "c-9")],
)
async def test_list_filters_by_company_and_iterates_once(
    client_company: str | None, company_id: str | None, sent: str
) -> None:
    """list sends ?companyId= (the argument over the client's) and iterates in one request."""
    recorder = Recorder([envelope({"data": [webhook_json()], "total": 1})])
    async with make_client(recorder, company_id=client_company) as client:
        configs = [w async for w in client.webhooks.list(company_id=company_id)]
    assert [w.id for w in configs] == [WEBHOOK_ID]
    assert len(recorder.requests) == 1
    assert recorder.requests[0].url.params["companyId"] == sent


async def test_list_reports_an_api_error() -> None:
    """A failed list raises the mapped APIError."""
    recorder = Recorder([error_reply(403, "INSUFFICIENT_PERMISSIONS")])
    async with make_client(recorder) as client:
        with pytest.raises(iv.PermissionDeniedError):
            await client.webhooks.list()


async def test_later_pages_of_the_unpaged_list_are_empty_without_a_request() -> None:
    """Asking the unpaged list for page 2 returns an empty last page and sends nothing."""
    recorder = Recorder([envelope({"data": [], "total": 0})])
    async with make_client(recorder) as client:
        page = await client.webhooks.list().get_page(2)
    assert (page.items, page.has_next, recorder.requests) == ((), False, [])


async def test_get_decodes_every_field() -> None:
    """get fetches /webhooks/{id} and decodes headers, events, counters and timestamps."""
    recorder = Recorder([envelope(webhook_json())])
    async with make_client(recorder) as client:
        config = await client.webhooks.get(WEBHOOK_ID)
    assert recorder.requests[0].url.path == f"/webhooks/{WEBHOOK_ID}"
    assert config == WebhookConfig(
        id=WEBHOOK_ID,
        api_key_id="a1",
        url="https://example.com/hooks/instaview",
        name="Production",
        description="Interview results",
        headers=(WebhookHeaderInfo(name="X-Webhook-Token", is_masked=True),),
        events=(WebhookEventType.INTERVIEW_COMPLETED, WebhookEventType.ANALYSIS_COMPLETED),
        is_active=True,
        max_retries=3,
        timeout_ms=30000,
        consecutive_failures=0,
        created_at=datetime(2024, 11, 16, 10, 30, tzinfo=timezone.utc),
        updated_at=datetime(2024, 11, 16, 10, 30, tzinfo=timezone.utc),
    )
    assert not config.circuit_open


@pytest.mark.parametrize(
    "events",
    [
        ["interview.completed", "ping", "sourcing.failed"],
        ["INTERVIEW_COMPLETED", "PING", "SOURCING_FAILED"],
        [3, 2, "SOURCING_FAILED"],
    ],
)
async def test_events_decode_from_every_spelling(events: list[Any]) -> None:
    """Stored events decode to one enum whether numeric, dotted or UPPER_SNAKE."""
    recorder = Recorder([envelope(webhook_json(events=events))])
    async with make_client(recorder) as client:
        config = await client.webhooks.get(WEBHOOK_ID)
    assert config.events == (
        WebhookEventType.INTERVIEW_COMPLETED,
        WebhookEventType.PING,
        WebhookEventType.SOURCING_FAILED,
    )


async def test_unknown_event_names_stay_strings() -> None:
    """An event name the SDK does not know is kept as a plain str, numbers included."""
    recorder = Recorder([envelope(webhook_json(events=["candidate.created", 42]))])
    async with make_client(recorder) as client:
        config = await client.webhooks.get(WEBHOOK_ID)
    assert config.events == ("candidate.created", "42")


async def test_get_of_another_companys_webhook_is_permission_denied() -> None:
    """A 403 RESOURCE_ACCESS_DENIED raises PermissionDeniedError."""
    reply = error_reply(
        403, "RESOURCE_ACCESS_DENIED", "Access denied to this webhook configuration"
    )
    async with make_client(Recorder([reply])) as client:
        with pytest.raises(iv.PermissionDeniedError):
            await client.webhooks.get(WEBHOOK_ID)


async def test_create_sends_camel_case_upper_snake_events_and_returns_the_secret() -> None:
    """create sends UPPER_SNAKE events, header pairs, companyId in the body, and the key."""
    reply = envelope(webhook_json(signingSecret="ab" * 32, companyId="c-1"), 201)
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        config = await client.webhooks.create(
            url="https://example.com/hooks/instaview",
            events=[WebhookEventType.INTERVIEW_COMPLETED, "analysis.completed", 2],
            name="Production",
            company_id="c-1",
            headers=[
                WebhookHeader(name="X-Webhook-Token", value="t0ken"),
                {"name": "X-Env", "value": "prod"},
            ],
            idempotency_key="idem-1",
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/webhooks")
    assert sent.headers["Idempotency-Key"] == "idem-1"
    assert _body(sent) == {
        "url": "https://example.com/hooks/instaview",
        "events": ["INTERVIEW_COMPLETED", "ANALYSIS_COMPLETED", "PING"],
        "name": "Production",
        "companyId": "c-1",
        "headers": [
            {"name": "X-Webhook-Token", "value": "t0ken"},
            {"name": "X-Env", "value": "prod"},
        ],
    }
    assert (config.signing_secret, config.company_id) == ("ab" * 32, "c-1")


async def test_create_leaves_out_what_was_not_given_and_passes_unknown_events() -> None:
    """create sends only url and events when nothing else is given; unknown names go as is."""
    recorder = Recorder([envelope(webhook_json(), 201)])
    async with make_client(recorder) as client:
        await client.webhooks.create(url="https://example.com/h", events=["candidate.created"])
    assert _body(recorder.requests[0]) == {
        "url": "https://example.com/h",
        "events": ["candidate.created"],
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url": "http://example.com/h"}, "url"),
        ({"url": "example.com/h"}, "url"),
        ({"url": "https://example.com/" + "a" * 2048}, "url"),
        ({"name": "n" * 256}, "name"),
        ({"headers": [{"name": f"X-{i}", "value": "v"} for i in range(51)]}, "headers"),
        ({"headers": [{"name": "X-Token"}]}, "headers[0].value"),
        ({"headers": [WebhookHeader(name="", value="v")]}, "headers[0].name"),
        ({"headers": [{"name": "X-Big", "value": "v" * 4097}]}, "headers[0].value"),
    ],
)
async def test_create_rejects_what_the_docs_forbid_before_sending(
    kwargs: dict[str, Any], field: str
) -> None:
    """create raises ValidationError naming the wire field, and sends no request."""
    recorder = Recorder([envelope(webhook_json(), 201)])
    arguments: dict[str, Any] = {"url": "https://example.com/h", "events": ["ping"], **kwargs}
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.webhooks.create(**arguments)
    assert caught.value.code == "VALIDATION_ERROR"
    assert isinstance(caught.value.details, iv.ValidationErrorDetails)
    assert field in caught.value.field_errors
    assert recorder.requests == []


async def test_update_sends_only_what_was_given_and_none_as_null() -> None:
    """update sends the given fields, None as null, and headers as the full new set."""
    recorder = Recorder([envelope(webhook_json(isActive=False, description=None))])
    async with make_client(recorder) as client:
        config = await client.webhooks.update(
            WEBHOOK_ID,
            description=None,
            is_active=False,
            events=["interview.failed"],
            headers=[{"name": "X-New", "value": "1"}],
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("PATCH", f"/webhooks/{WEBHOOK_ID}")
    assert _body(sent) == {
        "description": None,
        "isActive": False,
        "events": ["INTERVIEW_FAILED"],
        "headers": [{"name": "X-New", "value": "1"}],
    }
    assert config.is_active is False


async def test_update_with_nothing_given_sends_an_empty_object() -> None:
    """update with no fields sends {} (the API decides), and validates a given url."""
    recorder = Recorder([envelope(webhook_json())])
    async with make_client(recorder) as client:
        await client.webhooks.update(WEBHOOK_ID)
        with pytest.raises(iv.ValidationError):
            await client.webhooks.update(WEBHOOK_ID, url="http://insecure.example.com")
    assert [_body(r) for r in recorder.requests] == [{}]


@pytest.mark.parametrize(
    "reply",
    [httpx.Response(204), envelope(True), envelope(None)],
    ids=["204-empty", "true", "null"],
)
async def test_delete_returns_none(reply: httpx.Response) -> None:
    """delete sends DELETE /webhooks/{id} and returns None for a 204 or an enveloped body."""
    recorder = Recorder([reply])
    async with make_client(recorder) as client:
        assert await client.webhooks.delete(WEBHOOK_ID) is None
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("DELETE", f"/webhooks/{WEBHOOK_ID}")


async def test_delete_of_an_unknown_webhook_is_not_found() -> None:
    """A 404 RESOURCE_NOT_FOUND on delete raises NotFoundError with typed details."""
    details = {"resourceType": "WebhookConfig", "resourceId": WEBHOOK_ID}
    reply = error_reply(404, "RESOURCE_NOT_FOUND", "Webhook configuration not found", details)
    async with make_client(Recorder([reply])) as client:
        with pytest.raises(iv.NotFoundError) as caught:
            await client.webhooks.delete(WEBHOOK_ID)
    assert caught.value.details == iv.ResourceNotFoundDetails(
        resource_type="WebhookConfig", resource_id=WEBHOOK_ID
    )


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        (
            {
                "success": True,
                "deliveryId": "d-1",
                "httpStatus": 200,
                "durationMs": 245,
                "message": "Webhook test successful",
            },
            WebhookTestResult(
                success=True,
                delivery_id="d-1",
                http_status=200,
                duration_ms=245,
                message="Webhook test successful",
            ),
        ),
        (
            {"success": False, "message": "Webhook test failed: Connection timeout"},
            WebhookTestResult(success=False, message="Webhook test failed: Connection timeout"),
        ),
    ],
    ids=["delivered", "failed"],
)
async def test_test_returns_the_inner_result(
    inner: dict[str, Any], expected: WebhookTestResult
) -> None:
    """test POSTs /webhooks/{id}/test and returns the inner result, a failure included."""
    recorder = Recorder([httpx.Response(200, json={"success": True, "data": inner})])
    async with make_client(recorder) as client:
        result = await client.webhooks.test(WEBHOOK_ID, idempotency_key="k")
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", f"/webhooks/{WEBHOOK_ID}/test")
    assert sent.headers["Idempotency-Key"] == "k"
    assert result == expected


async def test_reset_circuit_returns_the_reactivated_config() -> None:
    """reset_circuit POSTs /webhooks/{id}/reset-circuit and returns the updated config."""
    recorder = Recorder([envelope(webhook_json(consecutiveFailures=0, isActive=True))])
    async with make_client(recorder) as client:
        config = await client.webhooks.reset_circuit(WEBHOOK_ID)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", f"/webhooks/{WEBHOOK_ID}/reset-circuit")
    assert (config.is_active, config.consecutive_failures, config.circuit_open) == (True, 0, False)


async def test_an_open_circuit_is_visible_on_the_config() -> None:
    """A config with circuitOpenedAt set reports circuit_open."""
    reply = envelope(webhook_json(circuitOpenedAt="2024-11-16T11:00:00.000Z", isActive=False))
    async with make_client(Recorder([reply])) as client:
        config = await client.webhooks.get(WEBHOOK_ID)
    assert config.circuit_open


@pytest.mark.parametrize("webhook_id", ["", "  "])
async def test_a_blank_id_is_rejected_before_sending(webhook_id: Any) -> None:
    """A blank webhook id raises ValidationError without a request."""
    recorder = Recorder([envelope(webhook_json())])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError):
            await client.webhooks.get(webhook_id)
    assert recorder.requests == []


async def test_an_id_with_a_slash_is_refused_before_sending() -> None:
    """An id with a slash cannot reach another endpoint: it is refused, nothing is sent."""
    recorder = Recorder([envelope(webhook_json())])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError, match="webhook_id"):
            await client.webhooks.reset_circuit("a/b")
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("spelling", "member"),
    [
        (0, WebhookEventType.ANALYSIS_COMPLETED),
        ("1", WebhookEventType.ANALYSIS_FAILED),
        ("ping", WebhookEventType.PING),
        ("interview.started", WebhookEventType.INTERVIEW_STARTED),
        ("ENRICH_FAILED", WebhookEventType.ENRICH_FAILED),
        ("enrich.completed", WebhookEventType.ENRICH_COMPLETED),
    ],
)
def test_event_type_accepts_every_spelling(spelling: Any, member: WebhookEventType) -> None:
    """WebhookEventType(...) maps numbers, dotted labels and UPPER_SNAKE to one member."""
    assert WebhookEventType(spelling) is member


def test_event_type_labels_and_numbers() -> None:
    """label is the dotted form and number the numeric code (None for sourcing/enrichment)."""
    assert WebhookEventType.INTERVIEW_COMPLETED.label == "interview.completed"
    assert WebhookEventType.INTERVIEW_COMPLETED.number == 3
    assert WebhookEventType.SOURCING_FAILED.label == "sourcing.failed"
    assert WebhookEventType.SOURCING_FAILED.number is None
    assert WebhookEventType.parse(True) == "True"
