"""client.sourcing: the requests each method sends, both reply forms, and wait_for_results."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import anyio
import pytest

import instaview_async as iv
from instaview_async.models.sourcing import (
    EnrichedProfile,
    EnrichmentResults,
    ExperienceEntry,
    PreviewCandidate,
    PreviewResults,
    RelevantExperience,
    RenderedCard,
    SourcedCandidate,
    SourcingResults,
    SourcingRun,
    SourcingStatus,
    Theme,
)
from instaview_async.resources.sourcing import SourcingTimeoutError
from tests.conftest import envelope, error_reply
from tests.helpers import FakeTime, Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

REQ = "req_3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60"
PREV = "req_prev_3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60"
ENR = "enr_9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"


def ack(request_id: str = REQ, **extra: Any) -> dict[str, Any]:
    """The 202 acknowledgement the sourcing pages show."""
    return {
        "success": True,
        "requestId": request_id,
        "status": "processing",
        "message": "Sourcing request accepted",
        "webhookId": None,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:00.000Z",
        **extra,
    }


def candidate_json() -> dict[str, Any]:
    """A sourced candidate with every documented field."""
    return {
        "profileId": "a1b2c3d4e5f6",
        "name": "Jana Novakova",
        "linkedinUrl": "https://linkedin.com/in/jana",
        "matchScore": 87,
        "rationale": "Strong Python background",
        "skills": ["Python", "AWS"],
        "headline": "Backend engineer",
        "location": "Bratislava",
        "currentCompany": "Acme",
        "currentRole": "Senior Engineer",
        "aiFitPoints": ["8 years of Python"],
        "aiRedFlags": [],
        "aiDetailedRationale": [
            {
                "title": "Senior Engineer",
                "company": "Acme",
                "duration": "3 years",
                "relevanceExplanation": "Same stack",
            }
        ],
        "detailedExperience": [
            {"role": "Engineer", "company": "Beta", "duration": "2y", "highlights": ["APIs"]}
        ],
        "emails": ["jana@example.com"],
    }


def completed_json() -> dict[str, Any]:
    """A completed sourcing run, flat, as the results page shows it."""
    return {
        "success": True,
        "requestId": REQ,
        "status": "completed",
        "candidates": [candidate_json()],
        "foundCount": 25,
        "scoredCount": 10,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "completedAt": "2025-01-01T00:05:00.000Z",
    }


def processing_json(request_id: str = REQ) -> dict[str, Any]:
    """A run still processing (HTTP 202)."""
    return {
        "success": True,
        "requestId": request_id,
        "status": "processing",
        "candidatesSourcedCount": 4,
        "message": "Sourcing is still in progress",
    }


def flat(data: Any, status: int = 200) -> httpx.Response:
    """A sourcing reply as the docs show it: the object itself, no envelope."""
    return httpx.Response(status, json=data)


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


REPLY_FORMS: dict[str, Callable[[Any, int], httpx.Response]] = {
    "flat": flat,
    "enveloped": lambda data, status: envelope(data, status),
}
forms = pytest.mark.parametrize("wrap", list(REPLY_FORMS.values()), ids=list(REPLY_FORMS))


@forms
async def test_create_sends_the_search_and_returns_the_ack(
    wrap: Callable[[Any, int], httpx.Response],
) -> None:
    """create POSTs /sourcing with camelCase fields and decodes the 202 ack, bare or wrapped."""
    recorder = Recorder([wrap(ack(webhookId="w-1"), 202)])
    async with make_client(recorder) as client:
        run = await client.sourcing.create(
            title="Backend Engineer",
            job_description="Python, AWS",
            location="Bratislava",
            limit=10,
            webhook_id="w-1",
            idempotency_key="idem-s",
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/sourcing")
    assert sent.headers["Idempotency-Key"] == "idem-s"
    assert _body(sent) == {
        "title": "Backend Engineer",
        "jobDescription": "Python, AWS",
        "location": "Bratislava",
        "limit": 10,
        "webhookId": "w-1",
    }
    assert run == SourcingRun(
        request_id=REQ,
        success=True,
        status=SourcingStatus.PROCESSING,
        message="Sourcing request accepted",
        webhook_id="w-1",
        created_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
        updated_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
    )


async def test_create_leaves_out_what_was_not_given() -> None:
    """create sends only title and jobDescription when nothing else is given."""
    recorder = Recorder([flat(ack(), 202)])
    async with make_client(recorder) as client:
        await client.sourcing.create(title="T", job_description="D", query=None)
    assert _body(recorder.requests[0]) == {"title": "T", "jobDescription": "D"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "t" * 201}, "title"),
        ({"job_description": "d" * 10_001}, "jobDescription"),
        ({"limit": 0}, "limit"),
    ],
)
async def test_create_rejects_what_the_docs_forbid(kwargs: dict[str, Any], field: str) -> None:
    """create raises ValidationError naming the wire field before sending."""
    recorder = Recorder([flat(ack(), 202)])
    arguments = {"title": "T", "job_description": "D", **kwargs}
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.sourcing.create(**arguments)
    assert set(caught.value.field_errors) == {field}
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (402, None, iv.BillingLimitError),
        (403, "RESOURCE_ACCESS_DENIED", iv.PermissionDeniedError),
        (422, None, iv.ValidationError),
    ],
    ids=["insufficient-credits", "webhook-ownership", "webhook-not-subscribed"],
)
async def test_create_errors_map_by_status(
    status: int, code: str | None, error: type[iv.APIError]
) -> None:
    """The documented 402/403/422 refusals raise the matching APIError."""
    reply = error_reply(status, code or "SOME_NEW_CODE", "refused")
    async with make_client(Recorder([reply])) as client:
        with pytest.raises(error) as caught:
            await client.sourcing.create(title="T", job_description="D")
    assert caught.value.status_code == status


async def test_update_sends_query_and_limit() -> None:
    """update PATCHes /sourcing/{id} with the given fields and decodes the ack."""
    recorder = Recorder([flat(ack(), 202)])
    async with make_client(recorder) as client:
        run = await client.sourcing.update(REQ, query="Also fintech", limit=20)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("PATCH", f"/sourcing/{REQ}")
    assert _body(sent) == {"query": "Also fintech", "limit": 20}
    assert run.status is SourcingStatus.PROCESSING


@pytest.mark.parametrize(
    ("kwargs", "sent"),
    [({"limit": 5}, {"limit": 5}), ({"query": None}, {"query": None})],
)
async def test_update_sends_only_what_was_given(
    kwargs: dict[str, Any], sent: dict[str, Any]
) -> None:
    """update leaves out an argument not given and sends an explicit None as null."""
    recorder = Recorder([flat(ack(), 202)])
    async with make_client(recorder) as client:
        await client.sourcing.update(REQ, **kwargs)
    assert _body(recorder.requests[0]) == sent


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({}, {"query", "limit"}),
        ({"limit": 51}, {"limit"}),
        ({"query": "q" * 501}, {"query"}),
    ],
)
async def test_update_rejects_bad_arguments_before_sending(
    kwargs: dict[str, Any], fields: set[str]
) -> None:
    """update needs query or limit, a limit of at most 50 and a query of at most 500 chars."""
    recorder = Recorder([flat(ack(), 202)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.sourcing.update(REQ, **kwargs)
    assert set(caught.value.field_errors) == fields
    assert recorder.requests == []


async def test_update_while_processing_is_a_conflict() -> None:
    """A 409 (run still in progress) raises ConflictError."""
    reply = error_reply(409, "RESOURCE_CONFLICT", "Run still in progress")
    async with make_client(Recorder([reply])) as client:
        with pytest.raises(iv.ConflictError):
            await client.sourcing.update(REQ, limit=5)


@forms
async def test_results_decode_a_completed_run(
    wrap: Callable[[Any, int], httpx.Response],
) -> None:
    """results GETs /sourcing/{id}/results and decodes every candidate field."""
    recorder = Recorder([wrap(completed_json(), 200)])
    async with make_client(recorder) as client:
        results = await client.sourcing.results(REQ)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("GET", f"/sourcing/{REQ}/results")
    assert (results.status, results.found_count, results.scored_count, results.done) == (
        SourcingStatus.COMPLETED,
        25,
        10,
        True,
    )
    assert results.completed_at == datetime(2025, 1, 1, 0, 5, tzinfo=timezone.utc)
    assert results.candidates == (
        SourcedCandidate(
            profile_id="a1b2c3d4e5f6",
            name="Jana Novakova",
            linkedin_url="https://linkedin.com/in/jana",
            match_score=87,
            rationale="Strong Python background",
            skills=("Python", "AWS"),
            headline="Backend engineer",
            location="Bratislava",
            current_company="Acme",
            current_role="Senior Engineer",
            ai_fit_points=("8 years of Python",),
            ai_detailed_rationale=(
                RelevantExperience(
                    title="Senior Engineer",
                    company="Acme",
                    duration="3 years",
                    relevance_explanation="Same stack",
                ),
            ),
            detailed_experience=(
                ExperienceEntry(
                    role="Engineer", company="Beta", duration="2y", highlights=("APIs",)
                ),
            ),
            emails=("jana@example.com",),
        ),
    )


@forms
async def test_results_while_processing_is_a_202_not_an_error(
    wrap: Callable[[Any, int], httpx.Response],
) -> None:
    """A 202 processing reply decodes with the count sourced so far."""
    async with make_client(Recorder([wrap(processing_json(), 202)])) as client:
        results = await client.sourcing.results(REQ)
    assert (results.status, results.candidates_sourced_count, results.done) == (
        SourcingStatus.PROCESSING,
        4,
        False,
    )


@pytest.mark.parametrize("success", [True, False])
async def test_a_failed_run_is_a_result_not_an_exception(success: bool) -> None:
    """A failed run decodes with its errorCode even when its own success flag is false."""
    failed = {
        "success": success,
        "requestId": REQ,
        "status": "failed",
        "errorCode": "AGENT_ERROR",
        "errorMessage": "Search provider unavailable",
    }
    async with make_client(Recorder([flat(failed)])) as client:
        results = await client.sourcing.results(REQ)
    assert (results.status, results.error_code, results.done) == (
        SourcingStatus.FAILED,
        "AGENT_ERROR",
        True,
    )


async def test_an_unknown_request_id_is_not_found() -> None:
    """A 404 REQUEST_NOT_FOUND raises NotFoundError."""
    reply = error_reply(404, "REQUEST_NOT_FOUND", "Request not found")
    async with make_client(Recorder([reply])) as client:
        with pytest.raises(iv.NotFoundError):
            await client.sourcing.results(REQ)


async def test_an_unknown_status_is_kept_as_a_string() -> None:
    """A status the SDK does not know stays a str and does not count as done."""
    reply = flat({"success": True, "requestId": REQ, "status": "queued"}, 202)
    async with make_client(Recorder([reply])) as client:
        results = await client.sourcing.results(REQ)
    assert (results.status, results.done) == ("queued", False)


async def test_a_body_of_the_wrong_shape_is_a_decode_error() -> None:
    """A 2xx reply that is not a sourcing object raises ResponseDecodeError."""
    async with make_client(Recorder([flat({"success": True, "candidates": 5})])) as client:
        with pytest.raises(iv.ResponseDecodeError):
            await client.sourcing.results(REQ)


async def test_an_error_envelope_with_a_2xx_status_still_raises() -> None:
    """An enveloped error raises its APIError even on a 200."""
    body = {"success": False, "data": None, "error": {"code": "REQUEST_NOT_FOUND", "message": "x"}}
    async with make_client(Recorder([httpx.Response(200, json=body)])) as client:
        with pytest.raises(iv.NotFoundError):
            await client.sourcing.results(REQ)


@forms
async def test_preview_sends_the_search_and_returns_the_ack(
    wrap: Callable[[Any, int], httpx.Response],
) -> None:
    """preview POSTs /sourcing/preview and decodes the ack."""
    recorder = Recorder([wrap(ack(PREV), 202)])
    async with make_client(recorder) as client:
        run = await client.sourcing.preview(
            title="T", job_description="D", query="fintech", limit=100
        )
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/sourcing/preview")
    assert _body(sent) == {"title": "T", "jobDescription": "D", "query": "fintech", "limit": 100}
    assert run.request_id == PREV


@pytest.mark.parametrize("limit", [0, 101, True])
async def test_preview_limit_must_be_1_to_100(limit: Any) -> None:
    """preview rejects a limit outside 1-100 before sending."""
    recorder = Recorder([flat(ack(PREV), 202)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.sourcing.preview(title="T", job_description="D", limit=limit)
    assert set(caught.value.field_errors) == {"limit"}
    assert recorder.requests == []


@forms
async def test_preview_results_decode_the_nine_fields(
    wrap: Callable[[Any, int], httpx.Response],
) -> None:
    """preview_results GETs /sourcing/preview/{id}/results and decodes preview candidates."""
    profile = {
        "profileId": "prof_a9238f82-a723",
        "fullName": "Jana Novakova",
        "profileUrl": "https://linkedin.com/in/jana",
        "title": "Engineer",
        "headline": "Backend",
        "location": "Bratislava",
        "country": "SK",
        "companyName": "Acme",
        "companyUrl": "https://acme.example",
    }
    data = {"success": True, "requestId": PREV, "status": "completed", "candidates": [profile]}
    recorder = Recorder([wrap(data, 200)])
    async with make_client(recorder) as client:
        results = await client.sourcing.preview_results(PREV)
    assert recorder.requests[0].url.path == f"/sourcing/preview/{PREV}/results"
    assert results == PreviewResults(
        request_id=PREV,
        success=True,
        status=SourcingStatus.COMPLETED,
        candidates=(
            PreviewCandidate(
                profile_id="prof_a9238f82-a723",
                full_name="Jana Novakova",
                profile_url="https://linkedin.com/in/jana",
                title="Engineer",
                headline="Backend",
                location="Bratislava",
                country="SK",
                company_name="Acme",
                company_url="https://acme.example",
            ),
        ),
    )


async def test_polling_preview_results_too_fast_is_a_rate_limit_error() -> None:
    """A 429 RATE_LIMIT_EXCEEDED raises RateLimitError."""
    reply = error_reply(429, "RATE_LIMIT_EXCEEDED", "slow down", {"retryAfter": 10})
    async with make_client(Recorder([reply])) as client:
        with pytest.raises(iv.RateLimitError):
            await client.sourcing.preview_results(PREV)


@forms
async def test_enrich_sends_profile_ids(wrap: Callable[[Any, int], httpx.Response]) -> None:
    """enrich POSTs /sourcing/enrich with profileIds and decodes the ack."""
    recorder = Recorder([wrap(ack(ENR), 202)])
    async with make_client(recorder) as client:
        run = await client.sourcing.enrich(profile_ids=("p1", "p2"), idempotency_key="e-1")
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/sourcing/enrich")
    assert sent.headers["Idempotency-Key"] == "e-1"
    assert _body(sent) == {"profileIds": ["p1", "p2"]}
    assert run.request_id == ENR


@pytest.mark.parametrize("profile_ids", [[], [f"p{i}" for i in range(11)], ["p1", ""]], ids=str)
async def test_enrich_needs_1_to_10_ids(profile_ids: Any) -> None:
    """enrich rejects an empty list, more than 10 ids and blank ids (a bare string: TypeError)."""
    recorder = Recorder([flat(ack(ENR), 202)])
    async with make_client(recorder) as client:
        with pytest.raises(iv.ValidationError) as caught:
            await client.sourcing.enrich(profile_ids=profile_ids)
    assert set(caught.value.field_errors) == {"profileIds"}
    assert recorder.requests == []


def enrichment_json() -> dict[str, Any]:
    """A completed enrichment with one enriched profile and one isolated failure."""
    return {
        "success": True,
        "requestId": ENR,
        "status": "completed",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "completedAt": "2025-01-01T00:00:30.000Z",
        "enrichedCount": 1,
        "failureCount": 1,
        "creditsConsumed": 1,
        "data": [
            {"profileId": "p1", "success": True, "candidate": candidate_json()},
            {"profileId": "p2", "success": False, "errorMessage": "Timed out after 10s"},
        ],
    }


@forms
async def test_enrich_results_keep_per_profile_failures(
    wrap: Callable[[Any, int], httpx.Response],
) -> None:
    """enrich_results decodes the run's own data list, failures included, bare or wrapped."""
    recorder = Recorder([wrap(enrichment_json(), 200)])
    async with make_client(recorder) as client:
        results = await client.sourcing.enrich_results(ENR)
    assert recorder.requests[0].url.path == f"/sourcing/enrich/{ENR}/results"
    assert isinstance(results, EnrichmentResults)
    assert (results.enriched_count, results.failure_count, results.credits_consumed) == (1, 1, 1)
    assert results.profiles[0].candidate is not None
    assert results.profiles[0].candidate.profile_id == "a1b2c3d4e5f6"
    assert results.failed_profiles == (
        EnrichedProfile(profile_id="p2", success=False, error_message="Timed out after 10s"),
    )


async def test_enrich_results_while_processing() -> None:
    """A 202 enrichment reply without data decodes as processing."""
    reply = flat({"success": True, "requestId": ENR, "status": "processing", "message": "…"}, 202)
    async with make_client(Recorder([reply])) as client:
        results = await client.sourcing.enrich_results(ENR)
    assert (results.status, results.profiles) == (SourcingStatus.PROCESSING, ())


def rendered_json() -> dict[str, Any]:
    """A render-html reply with one card and one PROFILE_NOT_FOUND."""
    return {
        "success": True,
        "renderedCount": 1,
        "data": [
            {
                "profileId": "p1",
                "success": True,
                "name": "Jana Novakova",
                "htmlContent": '<div style="background:#0f172a">Jana</div>',
            },
            {"profileId": "p404", "success": False, "errorCode": "PROFILE_NOT_FOUND"},
        ],
    }


@forms
async def test_render_html_returns_cards_and_per_profile_errors(
    wrap: Callable[[Any, int], httpx.Response],
) -> None:
    """render_html POSTs profileIds and theme and returns every card, not-found ones included."""
    recorder = Recorder([wrap(rendered_json(), 200)])
    async with make_client(recorder) as client:
        cards = await client.sourcing.render_html(profile_ids=["p1", "p404"], theme=Theme.LIGHT)
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/sourcing/render-html")
    assert _body(sent) == {"profileIds": ["p1", "p404"], "theme": "light"}
    assert cards.rendered_count == 1
    assert cards.cards == (
        RenderedCard(
            profile_id="p1",
            success=True,
            name="Jana Novakova",
            html_content='<div style="background:#0f172a">Jana</div>',
        ),
        RenderedCard(profile_id="p404", success=False, error_code="PROFILE_NOT_FOUND"),
    )


async def test_render_html_leaves_the_theme_to_the_server_default() -> None:
    """render_html without a theme sends none (the API's default is dark)."""
    recorder = Recorder([flat(rendered_json())])
    async with make_client(recorder) as client:
        await client.sourcing.render_html(profile_ids=["p1"])
    assert _body(recorder.requests[0]) == {"profileIds": ["p1"]}


# -- wait_for_results -------------------------------------------------------------------------


def _script(*bodies: dict[str, Any]) -> Recorder:
    return Recorder([flat(b, 202 if b["status"] == "processing" else 200) for b in bodies])


@pytest.mark.parametrize(
    ("kind", "request_id", "path", "final", "model"),
    [
        ("sourcing", REQ, f"/sourcing/{REQ}/results", completed_json(), SourcingResults),
        (
            "preview",
            PREV,
            f"/sourcing/preview/{PREV}/results",
            {"success": True, "requestId": PREV, "status": "completed"},
            PreviewResults,
        ),
        ("enrich", ENR, f"/sourcing/enrich/{ENR}/results", enrichment_json(), EnrichmentResults),
    ],
)
async def test_wait_polls_every_interval_until_done(
    kind: Any, request_id: str, path: str, final: dict[str, Any], model: type[Any]
) -> None:
    """wait_for_results sleeps exactly `interval` between polls of the kind's endpoint."""
    time = FakeTime()
    recorder = _script(processing_json(request_id), processing_json(request_id), final)
    async with make_client(recorder) as client:
        result = await client.sourcing.wait_for_results(
            request_id, kind=kind, interval=15.0, sleep=time.sleep, clock=time.clock
        )
    assert isinstance(result, model)
    assert result.done
    assert time.sleeps == [15.0, 15.0]
    assert [r.url.path for r in recorder.requests] == [path] * 3


async def test_wait_returns_a_failed_run() -> None:
    """A failed run ends the wait and is returned, not raised."""
    time = FakeTime()
    failed = {"success": False, "requestId": REQ, "status": "failed", "errorCode": "AGENT_ERROR"}
    async with make_client(_script(processing_json(), failed)) as client:
        result = await client.sourcing.wait_for_results(REQ, sleep=time.sleep, clock=time.clock)
    assert (result.status, result.error_code, time.sleeps) == (
        SourcingStatus.FAILED,
        "AGENT_ERROR",
        [10.0],
    )


async def test_wait_raises_at_the_deadline_without_a_late_poll() -> None:
    """At the deadline wait_for_results raises SourcingTimeoutError with the last results."""
    time = FakeTime()
    recorder = _script(processing_json())
    async with make_client(recorder) as client:
        with pytest.raises(SourcingTimeoutError) as caught:
            await client.sourcing.wait_for_results(
                REQ, timeout=35.0, sleep=time.sleep, clock=time.clock
            )
    assert time.sleeps == [10.0, 10.0, 10.0]
    assert len(recorder.requests) == 4
    assert isinstance(caught.value, iv.APITimeoutError)
    assert (caught.value.request_id, caught.value.timeout) == (REQ, 35.0)
    assert caught.value.last.candidates_sourced_count == 4


async def test_wait_polls_at_the_deadline_itself() -> None:
    """A poll due exactly at the deadline is still made."""
    time = FakeTime()
    recorder = _script(processing_json(), processing_json(), completed_json())
    async with make_client(recorder) as client:
        result = await client.sourcing.wait_for_results(
            REQ, timeout=20.0, sleep=time.sleep, clock=time.clock
        )
    assert (result.done, time.sleeps) == (True, [10.0, 10.0])


@pytest.mark.parametrize("interval", [0.0, 1.0, 9.99])
async def test_wait_refuses_to_poll_faster_than_every_10_seconds(interval: float) -> None:
    """An interval below the docs' 10 s raises ValueError before any request."""
    recorder = _script(completed_json())
    async with make_client(recorder) as client:
        with pytest.raises(ValueError, match="at least 10"):
            await client.sourcing.wait_for_results(REQ, interval=interval)
    assert recorder.requests == []


async def test_wait_rejects_an_unknown_kind() -> None:
    """An unknown kind raises ValueError before any request."""
    recorder = _script(completed_json())
    async with make_client(recorder) as client:
        with pytest.raises(ValueError, match="kind"):
            await client.sourcing.wait_for_results(REQ, kind="jobs")  # type: ignore[call-overload]
    assert recorder.requests == []


async def test_wait_without_a_timeout_keeps_polling() -> None:
    """timeout=None never raises SourcingTimeoutError, however long the run takes."""
    time = FakeTime()
    recorder = _script(*[processing_json()] * 100, completed_json())
    async with make_client(recorder) as client:
        result = await client.sourcing.wait_for_results(
            REQ, timeout=None, sleep=time.sleep, clock=time.clock
        )
    assert (result.done, len(time.sleeps)) == (True, 100)


async def test_wait_is_cancellable() -> None:
    """Cancelling the surrounding scope stops polling at the current sleep."""
    time = FakeTime()
    recorder = _script(processing_json())
    async with make_client(recorder) as client:
        with anyio.CancelScope() as scope:

            async def sleep_then_cancel(seconds: float) -> None:
                time.sleeps.append(seconds)
                scope.cancel()
                await anyio.sleep(seconds)  # a real sleep: the cancellation must end it

            await client.sourcing.wait_for_results(REQ, sleep=sleep_then_cancel, clock=time.clock)
    assert scope.cancelled_caught
    assert (len(recorder.requests), time.sleeps) == (1, [10.0])


async def test_wait_propagates_api_errors() -> None:
    """An API error while polling is raised, not swallowed."""
    time = FakeTime()
    recorder = Recorder([flat(processing_json(), 202), error_reply(404, "REQUEST_NOT_FOUND")])
    async with make_client(recorder) as client:
        with pytest.raises(iv.NotFoundError):
            await client.sourcing.wait_for_results(REQ, sleep=time.sleep, clock=time.clock)
    assert time.sleeps == [10.0]
