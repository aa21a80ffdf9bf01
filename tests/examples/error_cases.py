"""How the API can fail, and the answer each web example must give: one table for both apps.

Each case makes the example app's client (a fake set up to fail one way, or a closed port), the
requests to send through the app, and what the last answer must be. The FastAPI and aiohttp
tests run every case, so both apps keep the same mapping (examples/http_errors.py).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from instaview_async import (
    AsyncClient,
    CallNext,
    CircuitBreakerPolicy,
    RateLimitPolicy,
    RetryPolicy,
)
from instaview_async.testing import FakeInstaView, Faults
from tests.examples.conftest import FakeSetup
from tests.http_family import httpx

ClientFactory = Callable[[], AsyncClient]
QUICK = RetryPolicy(base_delay=0.001)
UNKNOWN_JOB = "00000000-0000-4000-8000-000000000000"
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


@attrs.frozen(eq=False)
class Mentions:
    """Equal to any text that contains ``part``: the answer carries the SDK's or API's words."""

    part: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self.part in other

    __hash__ = None  # type: ignore[assignment]


@attrs.frozen
class Call:
    """One request to the example app; ``{job}`` in the path is the fake's job id."""

    method: str
    path: str
    json: object = None


@attrs.frozen
class ErrorCase:
    """A way the API fails, and the status, body and headers the app's last answer must have."""

    id: str
    make_client: Callable[[FakeSetup], ClientFactory]
    calls: tuple[Call, ...]
    status: int
    body: Mapping[str, object]
    headers: Mapping[str, str] = attrs.Factory(dict)


def _the_fake(setup: FakeSetup) -> ClientFactory:
    return setup.client


def _own_fake(
    fake: Callable[[], FakeInstaView], **client_options: Any
) -> Callable[[FakeSetup], ClientFactory]:
    """A separate fake made by ``fake``, and clients of it with ``client_options``."""

    def make(_: FakeSetup) -> ClientFactory:
        made = fake()
        key = made.create_api_key()
        return lambda: made.client(api_key=key, **{"retry": QUICK, **client_options})

    return make


def _wrong_key(setup: FakeSetup) -> ClientFactory:
    return lambda: setup.fake.client(api_key="sk_test_not_a_key_of_this_fake", retry=QUICK)


def _closed_port(_: FakeSetup) -> ClientFactory:
    """A client of 127.0.0.1 on a port nobody listens on: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    return lambda: AsyncClient(api_key="sk_test_unused", base_url=url, retry=QUICK)


class CutShortReplies:
    """Cuts every successful reply of the fake short, so the SDK cannot decode it."""

    async def __call__(self, request: httpx.Request, call_next: CallNext) -> httpx.Response:
        response = await call_next(request)
        await response.aread()
        return httpx.Response(response.status_code, content=response.content[:20], request=request)


def _cut_short(setup: FakeSetup) -> ClientFactory:
    middleware = [CutShortReplies()]
    return lambda: setup.fake.client(api_key=setup.key, retry=QUICK, middleware=middleware)


GET_JOBS = Call("GET", "/jobs")
ADD_ADA = Call("POST", "/jobs/{job}/candidates", ADA)

ERROR_CASES = (
    ErrorCase(
        "NotFoundError",
        _the_fake,
        (Call("GET", f"/jobs/{UNKNOWN_JOB}"),),
        404,
        {"detail": Mentions(UNKNOWN_JOB)},
    ),
    ErrorCase(
        "ConflictError (duplicate email)",
        _the_fake,
        (ADD_ADA, ADD_ADA),
        409,
        {"existing_id": "<first candidate>"},
    ),
    ErrorCase(
        "ValidationError before sending",
        _the_fake,
        (Call("POST", "/jobs/{job}/candidates", {"first_name": "Ada", "last_name": "L"}),),
        422,
        {"fields": {"email": Mentions("phone")}},  # an email or a phone number
    ),
    ErrorCase(
        "ValidationError from the server",
        _the_fake,
        (Call("POST", "/jobs/not-a-uuid/candidates", ADA),),
        422,
        {"fields": {"jobIds": Mentions("UUID")}},
    ),
    ErrorCase(
        "RateLimitError",
        _own_fake(
            lambda: FakeInstaView(requests_per_minute=1, clock=lambda: 1_000_000.0),
            rate_limit=RateLimitPolicy(max_wait=1.0),
        ),
        (GET_JOBS, GET_JOBS),
        503,
        {"detail": "the InstaView API is busy, try again"},
        {"Retry-After": "<1 to 60 s>"},
    ),
    ErrorCase(
        "ServerError",
        _own_fake(lambda: FakeInstaView(faults=Faults(error_rate=1.0))),
        (GET_JOBS,),
        502,
        {"error": "ServerError"},
    ),
    ErrorCase(
        "APIConnectionError", _closed_port, (GET_JOBS,), 502, {"error": "APIConnectionError"}
    ),
    ErrorCase(
        "CircuitOpenError",
        _own_fake(
            lambda: FakeInstaView(faults=Faults(error_rate=1.0)),
            retry=RetryPolicy(max_attempts=1),
            circuit_breaker=CircuitBreakerPolicy(failure_threshold=1),
        ),
        (GET_JOBS, GET_JOBS),
        502,
        {"error": "CircuitOpenError"},
    ),
    ErrorCase(
        "ResponseDecodeError", _cut_short, (GET_JOBS,), 502, {"error": "ResponseDecodeError"}
    ),
    ErrorCase(
        "AuthenticationError (the app's own key)",
        _wrong_key,
        (GET_JOBS,),
        500,
        {"detail": "this app cannot use the InstaView API"},
    ),
)


def check_answer(
    case: ErrorCase,
    setup: FakeSetup,
    status: int,
    body: Mapping[str, object],
    headers: Mapping[str, str],
) -> None:
    """Assert that the app's last answer is the one the case expects."""
    assert status == case.status, body
    expected = dict(case.body)
    if expected.get("existing_id") == "<first candidate>":
        [first] = setup.fake.candidates
        expected["existing_id"] = first
    assert {key: body.get(key) for key in expected} == expected
    if "Retry-After" in case.headers:
        assert 1 <= int(headers["Retry-After"]) <= 60
    else:
        assert "Retry-After" not in headers
