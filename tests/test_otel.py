"""contrib.otel: one span per logical call, attempts as events, and no secrets in the span."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.http_family import httpx

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import instaview_async as iv
from instaview_async.contrib.otel import SPAN, OpenTelemetryMiddleware, default_span_name
from tests.conftest import envelope, error_reply
from tests.helpers import Recorder, job_json, make_client

pytestmark = pytest.mark.anyio

KEY = "sk_test_SECRETKEY123"
JOB_ID = job_json()["id"]
FAST_RETRY = iv.RetryPolicy(max_attempts=3, base_delay=0.001, jitter=False)


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """Spans finished during the test, kept in memory."""
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.shutdown()


@pytest.fixture
def middleware(exporter: InMemorySpanExporter) -> OpenTelemetryMiddleware:
    """The middleware on a private tracer provider (the global one is never touched)."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return OpenTelemetryMiddleware(tracer_provider=provider)


def only_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = exporter.get_finished_spans()
    return span


def attempt_numbers(span: ReadableSpan) -> list[Any]:
    events = [e for e in span.events if e.name == "instaview.attempt"]
    return [(e.attributes or {}).get("instaview.attempt") for e in events]


async def test_a_call_is_one_client_span_with_the_http_attributes(
    middleware: OpenTelemetryMiddleware, exporter: InMemorySpanExporter
) -> None:
    """A GET is one CLIENT span named with the id replaced, with method, path and status."""
    reply = envelope(job_json())
    reply.headers["X-Request-Id"] = "req_1"
    recorder = Recorder([reply])
    async with make_client(recorder, middleware=[middleware], retry=FAST_RETRY) as client:
        await client.jobs.get(JOB_ID)
    span = only_span(exporter)
    assert (span.name, span.kind) == ("GET /jobs/{id}", SpanKind.CLIENT)
    assert dict(span.attributes or {}) == {
        "http.request.method": "GET",
        "url.path": f"/jobs/{JOB_ID}",
        "server.address": "api.test",
        "server.port": 443,
        "http.response.status_code": 200,
        "instaview.attempts": 1,
        "instaview.request_id": "req_1",
    }
    assert attempt_numbers(span) == [1]
    assert span.status.status_code is StatusCode.UNSET


async def test_retries_are_attempt_events_on_the_same_span(
    middleware: OpenTelemetryMiddleware, exporter: InMemorySpanExporter
) -> None:
    """A 503, a 502, then a 200 give one span with three attempt events and attempts=3."""
    replies = [error_reply(503, "SERVICE_UNAVAILABLE"), error_reply(502, "BAD_GATEWAY")]
    recorder = Recorder([*replies, envelope(job_json())])
    async with make_client(recorder, middleware=[middleware], retry=FAST_RETRY) as client:
        await client.jobs.get(JOB_ID)
    span = only_span(exporter)
    assert attempt_numbers(span) == [1, 2, 3]
    assert span.attributes is not None
    assert span.attributes["instaview.attempts"] == 3
    assert span.attributes["http.response.status_code"] == 200


async def test_the_query_string_is_never_recorded(
    middleware: OpenTelemetryMiddleware, exporter: InMemorySpanExporter
) -> None:
    """url.path holds the path only: page, limit and companyId stay out of the span."""
    page = {"items": [], "pagination": {"page": 2, "limit": 5, "total": 0, "totalPages": 0}}
    recorder = Recorder([envelope(page)])
    options: dict[str, Any] = {"middleware": [middleware], "company_id": "company_1"}
    async with make_client(recorder, **options) as client:
        await client.jobs.list(page=2, limit=5)
    span = only_span(exporter)
    assert recorder.requests[0].url.query  # the request did carry a query
    assert span.attributes is not None
    assert span.attributes["url.path"] == "/jobs"
    assert span.name == "GET /jobs"
    assert "company_1" not in repr(dict(span.attributes))


async def test_an_error_status_marks_the_span_as_failed(
    middleware: OpenTelemetryMiddleware, exporter: InMemorySpanExporter
) -> None:
    """A 404 still raises NotFoundError; the span has status ERROR and error.type "404"."""
    recorder = Recorder([error_reply(404, "RESOURCE_NOT_FOUND")])
    async with make_client(recorder, middleware=[middleware], retry=FAST_RETRY) as client:
        with pytest.raises(iv.NotFoundError):
            await client.jobs.get(JOB_ID)
    span = only_span(exporter)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert (span.attributes["error.type"], span.attributes["instaview.attempts"]) == ("404", 1)


async def test_a_connection_failure_is_recorded_and_raised(
    middleware: OpenTelemetryMiddleware, exporter: InMemorySpanExporter
) -> None:
    """After every attempt fails to connect, the span holds the exception and error.type."""
    recorder = Recorder([httpx.ConnectError("refused")])
    async with make_client(recorder, middleware=[middleware], retry=FAST_RETRY) as client:
        with pytest.raises(iv.APIConnectionError):
            await client.jobs.get(JOB_ID)
    span = only_span(exporter)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "APIConnectionError"
    assert attempt_numbers(span) == [1, 2, 3]
    assert [e.name for e in span.events].count("exception") == 1


async def test_no_secret_reaches_the_span(
    middleware: OpenTelemetryMiddleware, exporter: InMemorySpanExporter
) -> None:
    """Neither the key nor the Authorization header appears in names, attributes or events."""
    recorder = Recorder([httpx.ConnectError("refused"), envelope(job_json(), 201)])
    async with make_client(recorder, middleware=[middleware], retry=FAST_RETRY) as client:
        await client.jobs.create(title="Engineer", description="Python")
    assert recorder.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    dump = only_span(exporter).to_json()
    assert KEY not in dump
    assert "authorization" not in dump.lower()
    assert "bearer" not in dump.lower()


async def test_the_span_is_current_and_in_the_extensions_further_in(
    middleware: OpenTelemetryMiddleware, exporter: InMemorySpanExporter
) -> None:
    """A middleware placed after it runs inside the span and finds it in request.extensions."""
    seen: list[bool] = []

    async def inner(request: httpx.Request, call_next: iv.CallNext) -> httpx.Response:
        seen.append(request.extensions[SPAN] is trace.get_current_span())
        return await call_next(request)

    recorder = Recorder([envelope(job_json())])
    async with make_client(recorder, middleware=[middleware, inner]) as client:
        await client.jobs.get(JOB_ID)
    assert seen == [True]
    assert only_span(exporter).attributes is not None


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/jobs", "GET /jobs"),
        (f"/interviews/{JOB_ID}/call-attempts", "GET /interviews/{id}/call-attempts"),
        ("/sourcing/preview/req42/results", "GET /sourcing/preview/{id}/results"),
    ],
)
def test_default_span_name_replaces_ids(path: str, name: str) -> None:
    """Segments with digits or other id characters become {id}; words stay."""
    assert default_span_name(httpx.Request("GET", f"https://api.test{path}?page=2")) == name


def test_importing_the_sdk_does_not_import_opentelemetry() -> None:
    """Only contrib.otel imports opentelemetry: the core and contrib/__init__ never do."""
    code = (
        "import sys, instaview_async, instaview_async.contrib, instaview_async.testing; "
        "assert not [m for m in sys.modules if m.startswith('opentelemetry')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
