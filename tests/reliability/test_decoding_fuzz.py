"""Hypothesis over decoding: any JSON body with any status gives a model or an SDK error.

The property users rely on: ``except InstaViewError`` is enough. Whatever the server sends (a
valid envelope around nonsense, an error envelope with odd details, the API's own 429 body
with a strange ``retryAfter``, a bare list, huge numbers, ``NaN``, odd rate-limit headers),
decoding ends in the requested model or in an ``InstaViewError``, never in a TypeError,
KeyError, OverflowError or a cattrs exception.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import instaview_async as iv
from instaview_async._envelope import decode
from instaview_async._pagination import Page, decode_page
from instaview_async.models.candidates import Candidate
from instaview_async.models.jobs import Job
from tests.http_family import httpx

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_SLOW = settings(FUZZ, max_examples=60)  # each example builds many models or a client
ERROR_CODES = [
    "INVALID_API_KEY",
    "API_KEY_SUSPENDED",
    "INSUFFICIENT_PERMISSIONS",
    "VALIDATION_ERROR",
    "MISSING_REQUIRED_FIELD",
    "RESOURCE_NOT_FOUND",
    "RESOURCE_CONFLICT",
    "INVALID_STATE_TRANSITION",
    "BILLING_LIMIT_EXCEEDED",
    "RATE_LIMIT_EXCEEDED",
    "SOMETHING_NEW",
]
WIRE_KEYS = [
    "id", "title", "description", "status", "companyId", "requiredSkills", "education",
    "location", "salary", "metadata", "createdAt", "updatedAt", "firstName", "email",
    "jobIds", "gdprExpiryDate", "overallRating", "links", "retryAfter", "limit", "window",
    "fields", "field", "details", "resetDate", "suspendedAt", "available", "items",
    "pagination", "total", "page", "totalPages", "hasNextPage", "data", "statusCode",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),  # beyond float range
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    st.text(max_size=20),
    st.sampled_from(["2024-01-15T10:30:00Z", "2024-13-45", "OPEN", "", "9" * 30]),
)
KEYS = st.one_of(st.sampled_from(WIRE_KEYS), st.text(max_size=8))
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=12,
)
ERRORS = st.fixed_dictionaries(
    {"code": st.one_of(st.sampled_from(ERROR_CODES), JSON)},
    optional={"message": JSON, "details": JSON},
)
ENVELOPES = st.fixed_dictionaries(
    {"success": st.one_of(st.booleans(), JSON)},
    optional={
        "data": JSON,
        "error": st.one_of(ERRORS, JSON),
        "timestamp": st.one_of(st.just("2024-01-15T10:30:00Z"), JSON),
    },
)
TOO_MANY = st.fixed_dictionaries(  # the API's own 429 body, and an envelope's 429 details
    {"statusCode": st.just(429), "retryAfter": st.one_of(NUMBERS, JSON)},
    optional={"message": JSON, "error": JSON, "limit": JSON, "reset": NUMBERS},
)
RATE_LIMITED = st.fixed_dictionaries(
    {
        "success": st.just(False),
        "error": st.fixed_dictionaries(
            {
                "code": st.just("RATE_LIMIT_EXCEEDED"),
                "details": st.fixed_dictionaries({"retryAfter": st.one_of(NUMBERS, JSON)}),
            }
        ),
    }
)
BODIES = st.one_of(
    JSON.map(lambda value: json.dumps(value).encode()),
    ENVELOPES.map(lambda value: json.dumps(value).encode()),
    st.one_of(TOO_MANY, RATE_LIMITED).map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=40),
)
STATUSES = st.one_of(st.sampled_from([200, 201, 204, 302, 400, 401, 404, 429, 500, 503]),
                     st.integers(min_value=100, max_value=599))  # fmt: skip
HEADER_VALUES = st.one_of(
    st.sampled_from(["inf", "nan", "-1", "1e400", "0", "Wed, 21 Oct 2015 07:28:00 GMT", ""]),
    st.sampled_from(["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"]),
    st.sampled_from(["Mon, 01 Jan 0001 00:00:00 -0000", "Fri, 31 Dec 9999 23:59:59 +1400"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
)
HEADERS = st.dictionaries(
    st.sampled_from(
        ["retry-after", "x-ratelimit-reset-minute", "x-ratelimit-remaining-minute",
         "x-ratelimit-reset-hour", "x-ratelimit-remaining-hour", "x-request-id"]
    ),
    HEADER_VALUES,
    max_size=4,
)  # fmt: skip
MODELS: list[Any] = [Job, Candidate, None]


def reply(status: int, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    """A response to ``GET /jobs/x`` with exactly these bytes."""
    request = httpx.Request("GET", "https://api.test/jobs/x")
    return httpx.Response(status, content=body, headers=headers, request=request)


@FUZZ
@given(model=st.sampled_from(MODELS), status=STATUSES, body=BODIES, headers=HEADERS)
def test_any_body_with_any_status_decodes_or_raises_an_sdk_error(
    model: Any, status: int, body: bytes, headers: dict[str, str]
) -> None:
    """``decode`` returns the model or raises an InstaViewError, and nothing else."""
    try:
        result = decode(reply(status, body, headers), model)
    except iv.InstaViewError as error:
        caught: iv.InstaViewError | None = error
        str(error), repr(error)  # rendering an error never fails either
    else:
        caught = None
        assert 200 <= status < 300
        assert model is None or isinstance(result, model)
    if isinstance(caught, iv.APIError):
        assert caught.status_code == status


@FUZZ_SLOW
@given(data=JSON, page=st.integers(min_value=1, max_value=5))
def test_any_list_payload_decodes_to_a_page_or_a_decode_error(data: Any, page: int) -> None:
    """A list endpoint's data of any shape gives a Page of jobs or a ResponseDecodeError."""
    try:
        result = decode_page(data, Job, reply(200, b""), page=page, limit=20)
    except iv.ResponseDecodeError:
        return
    assert isinstance(result, Page)
    assert all(isinstance(item, Job) for item in result.items)
    assert isinstance(result.has_next, bool)


@FUZZ_SLOW
@given(items=st.lists(st.dictionaries(KEYS, JSON, max_size=5), max_size=3), meta=JSON)
def test_list_shapes_with_any_items_decode_or_raise_a_decode_error(items: Any, meta: Any) -> None:
    """Both documented list shapes around arbitrary items: a Page or a ResponseDecodeError."""
    for data in ({"items": items, "pagination": meta}, {"data": items, "total": meta}):
        try:
            result = decode_page(data, Candidate, reply(200, b""), page=1, limit=20)
        except iv.ResponseDecodeError:
            continue
        assert all(isinstance(item, Candidate) for item in result.items)


@pytest.mark.anyio
@FUZZ_SLOW
@given(status=STATUSES, body=BODIES, headers=HEADERS)
async def test_the_whole_client_chain_raises_only_sdk_errors(
    status: int, body: bytes, headers: dict[str, str]
) -> None:
    """Through Retry, the breaker and the rate-limit gate, ``jobs.list`` and ``jobs.get`` end in
    a page, a job or an InstaViewError, never a raw exception or a long sleep."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers)

    client = iv.AsyncClient(
        api_key="sk_test_FUZZ",
        base_url="https://api.test",
        transport=httpx.MockTransport(handler),
        retry=iv.RetryPolicy(max_attempts=1),
        rate_limit=iv.RateLimitPolicy(max_wait=0.0),
    )
    async with client:
        for call in (client.jobs.get("x"), client.jobs.list()):
            with contextlib.suppress(iv.InstaViewError):
                await call


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b'{"statusCode": 429, "retryAfter": 1' + b"0" * 400 + b"}", {}),
        (b'{"statusCode": 429, "retryAfter": Infinity}', {}),
        (b'{"statusCode": 429, "retryAfter": NaN}', {"retry-after": "inf"}),
        (b"", {"retry-after": "1e400", "x-ratelimit-reset-minute": "nan"}),
    ],
)
def test_a_wait_that_is_not_a_finite_number_is_ignored(
    body: bytes, headers: dict[str, str]
) -> None:
    """A 429 naming an infinite, NaN or overflowing wait is a RateLimitError with no wait."""
    with pytest.raises(iv.RateLimitError) as caught:
        decode(reply(429, body, headers), None)
    assert caught.value.retry_after is None
