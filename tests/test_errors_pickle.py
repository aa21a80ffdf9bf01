"""Errors cross processes: job engines (arq, multiprocessing) pickle what a job raised."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

pytestmark = pytest.mark.anyio


async def _raised_by_the_fake() -> list[iv.InstaViewError]:
    """Real errors, with the response, request and error body the client attached."""
    fake = FakeInstaView()
    found: list[iv.InstaViewError] = []
    async with fake.client(api_key=fake.create_api_key()) as client:
        for call in (
            lambda: client.jobs.get("missing"),
            lambda: client.jobs.create(title="x", description="y"),
        ):
            try:
                await call()
            except iv.InstaViewError as error:
                found.append(error)
    return found


def _made_here() -> list[iv.InstaViewError]:
    stopped_by = iv.APIConnectionError("GET /jobs to 127.0.0.1:9 failed: ConnectError")
    return [
        iv.RateLimitError("slow down", status_code=429, code="RATE_LIMIT_EXCEEDED", retry_after=3),
        iv.CircuitOpenError("circuit breaker open for 60.0s", retry_in=60.0),
        iv.ImportStoppedError("the API at 127.0.0.1:9 is unreachable", cause=stopped_by),
        iv.ResponseDecodeError("not an envelope"),
        iv.APITimeoutError("GET /jobs timed out"),
    ]


def _same(before: iv.InstaViewError, after: iv.InstaViewError) -> None:
    assert type(after) is type(before)
    assert str(after) == str(before)
    assert repr(after) == repr(before)
    for name, value in vars(before).items():
        if name in ("request", "response"):
            assert getattr(after, name) is None  # connections and streams stay behind
        elif isinstance(value, BaseException):
            assert type(getattr(after, name)) is type(value)
            assert str(getattr(after, name)) == str(value)
        else:
            assert getattr(after, name) == value, name


async def test_every_kind_of_error_survives_pickle() -> None:
    """Same class, message, repr and attributes (the HTTP objects become None)."""
    errors = [*await _raised_by_the_fake(), *_made_here()]
    assert {type(e) for e in errors} >= {iv.NotFoundError, iv.ValidationError, iv.CircuitOpenError}
    for error in errors:
        _same(error, pickle.loads(pickle.dumps(error)))


async def test_a_validation_error_keeps_its_field_reasons() -> None:
    """What a worker's caller reads off the error: code, status, request id, the reasons."""
    validation = next(e for e in await _raised_by_the_fake() if isinstance(e, iv.ValidationError))
    back = pickle.loads(pickle.dumps(validation))
    assert back.status_code == 400
    assert back.request_id == validation.request_id
    assert "title" in str(back)


def test_an_error_unpickled_in_another_process() -> None:
    """The receiving process imports only the package: the error's class is found by name."""
    data = pickle.dumps(iv.CircuitOpenError("circuit breaker open for 5.0s", retry_in=5.0))
    code = (
        "import pickle, sys; e = pickle.loads(sys.stdin.buffer.read()); "
        "print(type(e).__module__, type(e).__name__, e.retry_in, e)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=data, capture_output=True, check=True, timeout=60
    )
    assert out.stdout.decode().split(maxsplit=3) == [
        "instaview_async",
        "CircuitOpenError",
        "5.0",
        "circuit breaker open for 5.0s\n",
    ]


async def test_a_pickled_error_carries_no_api_key() -> None:
    """A job engine stores what a job raised (arq: in Redis); the request's header stays here."""
    key = "sk_test_PICKLEDKEY123"
    async with iv.AsyncClient(
        api_key=key, base_url="http://127.0.0.1:9", retry=iv.RetryPolicy(max_attempts=1)
    ) as client:
        results = [
            r
            async for r in client.candidates.bulk_create(
                [{"first_name": "A", "last_name": "B", "email": "a@b.test"}], job_id="job_1"
            )
        ]
    async with iv.AsyncClient(
        api_key=key, base_url="http://127.0.0.1:9", retry=None, circuit_breaker=None
    ) as client:
        try:
            await client.jobs.get("job_1")
        except iv.APIConnectionError as error:
            refused = error
    stopped = results[0].error
    assert isinstance(stopped, iv.ImportStoppedError)
    assert refused.request is not None and key in refused.request.headers["authorization"]
    for error in (stopped, refused):
        assert key.encode() not in pickle.dumps(error)
        _same(error, pickle.loads(pickle.dumps(error)))


def test_the_cause_goes_along_when_it_is_ours() -> None:
    """`CircuitOpenError` keeps the failure that opened it as ``__cause__``, also unpickled."""
    failure = iv.APIConnectionError("GET /jobs to 127.0.0.1:9 failed: ConnectError")
    opened = iv.CircuitOpenError("circuit breaker open for 60.0s", retry_in=60.0)
    opened.__cause__ = failure
    back = pickle.loads(pickle.dumps(opened))
    assert isinstance(back.__cause__, iv.APIConnectionError)
    assert str(back.__cause__) == str(failure)
    foreign = iv.CircuitOpenError("circuit breaker open for 1.0s", retry_in=1.0)
    foreign.__cause__ = OSError("not ours: may hold anything")
    assert pickle.loads(pickle.dumps(foreign)).__cause__ is None
