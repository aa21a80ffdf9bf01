"""What each call returns, checked by ``mypy --strict examples`` with ``assert_type``.

Every ``assert_type(value, T)`` below is a claim that a type checker verifies: change a return
type in the SDK and this file stops type-checking. At run time ``assert_type`` only returns its
argument, and ``tests/examples/test_typed_usage.py`` runs `tour` against the fake API so the
values are real too. Read it as a cheat sheet of the SDK's types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from typing_extensions import assert_type

from instaview_async import (
    APIError,
    AsyncClient,
    AsyncPager,
    BulkImport,
    BulkResult,
    CallNext,
    ConflictError,
    InstaViewError,
    Middleware,
    NotFoundError,
    Page,
    RateLimitError,
    ValidationError,
)
from instaview_async.models import (
    Agent,
    BillingUsage,
    CallAttemptResult,
    Candidate,
    CandidateStatus,
    Company,
    EnrichmentResults,
    Interview,
    Job,
    JobFromUrl,
    JobStatus,
    PhoneNumber,
    PreviewResults,
    SourcingResults,
    SourcingRun,
    WebhookConfig,
    WebhookEvent,
)
from instaview_async.webhooks import parse_event

URL = "https://jobs.example.com/backend-engineer"


async def jobs(client: AsyncClient) -> Job:
    """Jobs: a model from create/get/update, a pager from list, None from delete."""
    job = await client.jobs.create(title="Backend engineer", description="Python, asyncio")
    assert_type(job, Job)
    assert_type(job.id, str)
    assert_type(job.status, JobStatus | str | None)  # unknown values stay plain strings

    pager = client.jobs.list(status=JobStatus.OPEN, limit=10)
    assert_type(pager, AsyncPager[Job])
    first = await pager  # await: one page
    assert_type(first, Page[Job])
    assert_type(first.items, tuple[Job, ...])
    assert_type(first.has_next, bool)
    async for each in client.jobs.list():  # async for: every item, page after page
        assert_type(each, Job)

    assert_type(await client.jobs.get(job.id), Job)
    assert_type(await client.jobs.update(job.id, status="CLOSED"), Job)
    assert_type(await client.jobs.create_from_url(job_url=URL, create_job=False), JobFromUrl)
    return job


async def candidates(client: AsyncClient, job: Job) -> Candidate:
    """Candidates, and a bulk import that yields one result per row."""
    candidate = await client.candidates.create(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", job_ids=[job.id]
    )
    assert_type(candidate, Candidate)
    assert_type(candidate.job_ids, tuple[str, ...])
    assert_type(candidate.status, CandidateStatus | str | None)
    assert_type(await client.candidates.list(job_id=job.id), Page[Candidate])

    rows = [{"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}]
    bulk = client.candidates.bulk_create(rows, job_id=job.id, concurrency=4)
    assert_type(bulk, BulkImport[Candidate])
    async with bulk:
        async for result in bulk:
            assert_type(result, BulkResult[Candidate])
            assert_type(result.value, Candidate | None)
            assert_type(result.error, Exception | None)
    return candidate


async def interviews(client: AsyncClient, interview_id: str) -> None:
    """Interviews: a model, raw PDF bytes, and call attempts under their own namespace."""
    interview = await client.interviews.get(interview_id)
    assert_type(interview, Interview)
    assert_type(await client.interviews.list(candidate_id="c1"), Page[Interview])
    assert_type(await client.interviews.analysis_pdf(interview_id), bytes)
    attempt = await client.interviews.call_attempts.create(interview_id)
    assert_type(attempt, CallAttemptResult)


async def sourcing(client: AsyncClient) -> None:
    """Sourcing: ``wait_for_results`` returns a different model for each ``kind``."""
    run = await client.sourcing.create(title="Backend engineer", job_description="Python")
    assert_type(run, SourcingRun)
    assert_type(await client.sourcing.wait_for_results(run.request_id), SourcingResults)
    preview = await client.sourcing.wait_for_results(run.request_id, kind="preview")
    assert_type(preview, PreviewResults)
    enriched = await client.sourcing.wait_for_results(run.request_id, kind="enrich")
    assert_type(enriched, EnrichmentResults)


async def account(client: AsyncClient) -> None:
    """Read-only account views: companies, phone numbers, billing, webhooks."""
    assert_type(await client.companies.list(), Page[Company])
    assert_type(await client.phone_numbers.list(), Page[PhoneNumber])
    assert_type(await client.billing.usage(), BillingUsage)
    assert_type(await client.webhooks.list(), Page[WebhookConfig])
    assert_type(await client.agents.list(), Page[Agent])


async def errors(client: AsyncClient) -> str | None:
    """Errors are classes to catch, each with typed fields; every one is an InstaViewError."""
    try:
        await client.jobs.get("no-such-job")
    except NotFoundError as error:
        assert_type(error.status_code, int | None)
        assert_type(error.request_id, str | None)
        return error.code
    except ValidationError as error:
        assert_type(error.field_errors, Mapping[str, str])
    except ConflictError as error:
        assert_type(error.existing_resource_id, str | None)
    except RateLimitError as error:
        assert_type(error.retry_after, float | None)
    except APIError as error:
        assert_type(error.message, str)
    except InstaViewError:
        pass  # connection errors, an open circuit, undecodable replies
    return None


class Timing:
    """A user middleware: any object with this ``__call__`` is a `Middleware`."""

    async def __call__(self, request: httpx.Request, call_next: CallNext) -> httpx.Response:
        """Pass the request on; a real one would time it or add a header."""
        return await call_next(request)


def configure() -> AsyncClient:
    """Middlewares and copies keep their types."""
    middleware: Middleware = Timing()
    client = AsyncClient(api_key="sk_test_example", middleware=[middleware])
    assert_type(client.with_options(timeout=5.0), AsyncClient)
    return client


def webhook(body: bytes) -> WebhookEvent:
    """A webhook delivery body decodes into a typed event."""
    event = parse_event(body)
    assert_type(event, WebhookEvent)
    return event


async def tour(client: AsyncClient) -> dict[str, Any]:
    """Run the calls that need nothing but a key (not interviews or sourcing); return results."""
    job = await jobs(client)
    candidate = await candidates(client, job)
    await account(client)
    code = await errors(client)
    return {"job": job, "candidate": candidate, "not_found": code}
