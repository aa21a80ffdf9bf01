"""examples/typed_usage.py: mypy checks its types (a CI step); here its calls run on the fake."""

from __future__ import annotations

import json

import pytest

from examples.typed_usage import configure, tour, webhook
from instaview_async.models import Candidate, Job, WebhookEvent
from tests.examples.conftest import FakeSetup

pytestmark = pytest.mark.anyio


async def test_the_tour_runs_on_the_fake(fake_api: FakeSetup) -> None:
    """Every call the tour type-checks also succeeds at run time and returns the claimed type."""
    async with fake_api.client() as client:
        made = await tour(client)
    assert isinstance(made["job"], Job)
    assert isinstance(made["candidate"], Candidate)
    assert made["not_found"] == "RESOURCE_NOT_FOUND"


async def test_configure_builds_a_client_with_a_user_middleware(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """configure() returns a working client carrying a user middleware."""
    # Its middleware is typed for httpx: on httpx2 it would be refused (examples/httpx2_usage.py).
    monkeypatch.setenv("INSTAVIEW_HTTP_BACKEND", "httpx")
    async with configure() as client:
        assert not client.is_closed


def test_webhook_body_decodes() -> None:
    """A documented delivery body decodes into a WebhookEvent."""
    body = {
        "event": "interview.completed",
        "timestamp": "2024-01-15T10:30:00Z",
        "data": {"interviewId": "i1", "candidateId": "c1", "status": "COMPLETED"},
    }
    assert isinstance(webhook(json.dumps(body).encode()), WebhookEvent)
