"""AsyncClient: configuration, lifecycle, copies, and the assembled middleware chain."""

from __future__ import annotations

import socket

import anyio
import pytest

import instaview_async as iv
from instaview_async.middleware import (
    Auth,
    CallNext,
    CircuitBreaker,
    IdempotencyKey,
    RateLimit,
    Retry,
    default_middleware,
)
from tests.conftest import envelope
from tests.helpers import Recorder, job_json, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

FAST_RETRY = iv.RetryPolicy(base_delay=0.0, jitter=False)


def test_missing_key_is_a_clear_error_at_construction() -> None:
    """Without api_key or $INSTAVIEW_API_KEY the constructor says how to provide one."""
    with pytest.raises(iv.InstaViewError, match="INSTAVIEW_API_KEY"):
        iv.AsyncClient()
    with pytest.raises(iv.InstaViewError, match="api_key"):
        iv.AsyncClient(api_key="  ")


async def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """$INSTAVIEW_API_KEY and $INSTAVIEW_BASE_URL are the defaults."""
    monkeypatch.setenv("INSTAVIEW_API_KEY", "sk_env_key")
    monkeypatch.setenv("INSTAVIEW_BASE_URL", "https://env.example/")
    recorder = Recorder([envelope(job_json())])
    async with iv.AsyncClient(transport=httpx.MockTransport(recorder)) as client:
        await client.jobs.get("j1")
    sent = recorder.requests[0]
    assert str(sent.url) == "https://env.example/jobs/j1"
    assert sent.headers["Authorization"] == "Bearer sk_env_key"


def test_default_base_url_is_the_public_api() -> None:
    """With nothing configured the client talks to https://api.instaview.sk."""
    assert iv.AsyncClient(api_key="k").base_url == "https://api.instaview.sk"


async def test_company_id_is_sent_on_every_request() -> None:
    """An ATS client sends ?companyId= on each call, and with_options can switch company."""
    recorder = Recorder([envelope(job_json())])
    async with make_client(recorder, company_id="co-1") as client:
        await client.jobs.get("j1")
        await client.with_options(company_id="co-2").jobs.get("j1")
    assert [r.url.params["companyId"] for r in recorder.requests] == ["co-1", "co-2"]


async def test_aclose_is_idempotent_and_a_closed_client_refuses_calls() -> None:
    """Closing twice is fine; a call after close raises a clear InstaViewError."""
    client = make_client(Recorder([envelope(job_json())]))
    await client.aclose()
    await client.aclose()
    assert client.is_closed
    with pytest.raises(iv.InstaViewError, match="closed"):
        await client.jobs.get("j1")


async def test_a_borrowed_http_client_is_left_open() -> None:
    """An httpx client passed in by the user is not closed by the SDK."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder([envelope(job_json())])))
    async with iv.AsyncClient(api_key="k", http_client=http) as client:
        await client.jobs.get("j1")
    assert not http.is_closed
    await http.aclose()


async def test_an_owned_http_client_is_closed() -> None:
    """The httpx client the SDK created is closed with it."""
    client = make_client(Recorder([envelope(job_json())]))
    http = client._shared.http_client
    await client.aclose()
    assert http.is_closed


async def test_with_options_shares_pool_gate_breaker_and_stats() -> None:
    """A copy shares connections, rate-limit gate, breaker and counters with its parent."""
    recorder = Recorder([envelope(job_json())])
    async with make_client(
        recorder, rate_limit=iv.RateLimitPolicy(), circuit_breaker=iv.CircuitBreakerPolicy()
    ) as client:
        fast = client.with_options(timeout=5.0)
        assert fast._shared is client._shared
        await fast.jobs.get("j1")
        await client.jobs.get("j1")
        assert client.stats.requests == 2
        await fast.aclose()
        assert not client.is_closed
        await client.jobs.get("j1")
    assert fast.is_closed
    assert recorder.requests[0].extensions["timeout"]["read"] == 5.0
    assert recorder.requests[1].extensions["timeout"]["read"] == 30.0


async def test_closing_the_parent_closes_its_copies() -> None:
    """A copy of a closed client cannot be used."""
    client = make_client(Recorder([envelope(job_json())]))
    copy = client.with_options(timeout=1.0)
    await client.aclose()
    with pytest.raises(iv.InstaViewError, match="closed"):
        await copy.jobs.get("j1")


def test_default_order_is_auth_idempotency_retry_breaker_gate() -> None:
    """The SDK's layers run in the order DESIGN.md gives, outermost first."""
    layers = default_middleware(
        auth=Auth("k"),
        retry=Retry(iv.RetryPolicy()),
        circuit_breaker=CircuitBreaker(iv.CircuitBreakerPolicy()),
        rate_limit=RateLimit(iv.RateLimitPolicy()),
    )
    assert [type(layer) for layer in layers] == [
        Auth,
        IdempotencyKey,
        Retry,
        CircuitBreaker,
        RateLimit,
    ]


def test_disabled_layers_are_left_out() -> None:
    """retry/circuit_breaker/rate_limit=None drop those layers only."""
    layers = default_middleware(auth=Auth("k"), retry=None, circuit_breaker=None, rate_limit=None)
    assert [type(layer) for layer in layers] == [Auth, IdempotencyKey]


class Spy:
    """A user middleware recording what it sees."""

    def __init__(self) -> None:
        self.seen_auth: list[str | None] = []
        self.statuses: list[int] = []

    async def __call__(self, request: httpx.Request, call_next: CallNext) -> httpx.Response:
        self.seen_auth.append(request.headers.get("Authorization"))
        response = await call_next(request)
        self.statuses.append(response.status_code)
        return response


async def test_user_middleware_is_outermost() -> None:
    """A user middleware sees one call (not each retry) and never the API key."""
    spy = Spy()
    recorder = Recorder([httpx.Response(503), envelope(job_json())])
    async with make_client(recorder, retry=FAST_RETRY, middleware=[spy]) as client:
        await client.jobs.get("j1")
    assert spy.seen_auth == [None]
    assert spy.statuses == [200]
    assert len(recorder.requests) == 2


async def test_retried_post_reuses_one_idempotency_key() -> None:
    """A 503 then a 201 sends the same Idempotency-Key twice; a new call gets a new key."""
    recorder = Recorder([httpx.Response(503), envelope(job_json(), 201), envelope(job_json(), 201)])
    async with make_client(recorder, retry=FAST_RETRY) as client:
        await client.jobs.create(title="Senior Engineer", description="Build things")
        await client.jobs.create(title="Senior Engineer", description="Build things")
    keys = [r.headers["Idempotency-Key"] for r in recorder.requests]
    assert keys[0] == keys[1]
    assert keys[2] != keys[0]


async def test_callers_idempotency_key_is_used() -> None:
    """idempotency_key= overrides the generated key."""
    recorder = Recorder([envelope(job_json(), 201)])
    async with make_client(recorder) as client:
        await client.jobs.create(title="Title!", description="Long enough", idempotency_key="mine")
    assert recorder.requests[0].headers["Idempotency-Key"] == "mine"


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (httpx.ReadTimeout("slow"), iv.APITimeoutError),
        (httpx.ConnectTimeout("slow"), iv.APITimeoutError),
        (httpx.ConnectError("refused"), iv.APIConnectionError),
        (httpx.RemoteProtocolError("reset"), iv.APIConnectionError),
    ],
)
async def test_httpx_errors_become_sdk_errors(raised: Exception, expected: type) -> None:
    """Transport failures surface as SDK errors, with the httpx error as the cause."""
    recorder = Recorder([raised])
    async with make_client(recorder) as client:
        with pytest.raises(expected) as caught:
            await client.jobs.get("j1")
    assert isinstance(caught.value.__cause__, httpx.HTTPError)
    assert caught.value.request is not None
    assert str(caught.value).startswith("GET /jobs/j1 to api.test:443 ")


@pytest.mark.parametrize(
    ("base_url", "where"),
    [
        ("http://api.test", "api.test:80"),
        ("https://api.test:8443", "api.test:8443"),
        ("http://[::1]:8765", "[::1]:8765"),
    ],
)
async def test_connection_errors_name_host_and_port(base_url: str, where: str) -> None:
    """The port comes from the URL or its scheme; the query string is left out of the message."""
    recorder = Recorder([httpx.ConnectError("refused")])
    async with make_client(recorder, base_url=base_url) as client:
        with pytest.raises(iv.APIConnectionError) as caught:
            await client.jobs.list(status="OPEN")
    assert str(caught.value) == f"GET /jobs to {where} failed: ConnectError: refused"


async def test_refused_connection_on_a_real_socket_names_host_and_port() -> None:
    """Nothing listening on a 127.0.0.1 port: the error says which host:port was refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with iv.AsyncClient(
        api_key="sk_test_x", base_url=f"http://127.0.0.1:{port}", retry=None
    ) as client:
        with pytest.raises(iv.APIConnectionError) as caught:
            await client.jobs.get("j1")
    assert f"GET /jobs/j1 to 127.0.0.1:{port} failed: ConnectError" in str(caught.value)


async def test_connection_errors_are_retried_by_the_client() -> None:
    """A dropped connection then a success returns the job."""
    recorder = Recorder([httpx.ConnectError("refused"), envelope(job_json())])
    async with make_client(recorder, retry=FAST_RETRY) as client:
        job = await client.jobs.get("j1")
    assert job.title == "Senior Engineer"
    assert client.stats.retries == 1


async def test_breaker_opens_through_the_client() -> None:
    """Five 503s in a row open the breaker: the sixth call is not sent."""
    recorder = Recorder([httpx.Response(503)])
    async with make_client(recorder, circuit_breaker=iv.CircuitBreakerPolicy()) as client:
        for _ in range(5):
            with pytest.raises(iv.ServerError):
                await client.jobs.get("j1")
        with pytest.raises(iv.CircuitOpenError):
            await client.jobs.get("j1")
    assert len(recorder.requests) == 5
    assert client.stats.breaker_trips == 1


async def test_open_circuit_through_the_client_names_the_unreachable_host() -> None:
    """After five refused connections the CircuitOpenError says which host:port failed and why."""
    recorder = Recorder([httpx.ConnectError("All connection attempts failed")])
    async with make_client(recorder, circuit_breaker=iv.CircuitBreakerPolicy()) as client:
        for _ in range(5):
            with pytest.raises(iv.APIConnectionError):
                await client.jobs.get("j1")
        with pytest.raises(iv.CircuitOpenError) as caught:
            await client.jobs.get("j1")
    assert isinstance(caught.value.__cause__, iv.APIConnectionError)
    assert "api.test:443 failed: ConnectError: All connection attempts failed" in str(caught.value)


async def test_cancelling_during_backoff_leaves_the_client_usable() -> None:
    """A call cancelled while waiting to retry leaves breaker and gate ready for the next call."""
    with_backoff = iv.RetryPolicy(base_delay=30.0, jitter=False)
    replies: list[httpx.Response] = [httpx.Response(503)]
    scope = anyio.CancelScope()

    def handler(request: httpx.Request) -> httpx.Response:
        if replies:
            scope.cancel()  # cancel the caller while the retry waits its 30 s
            return replies.pop()
        return envelope(job_json())

    async with make_client(
        handler,
        retry=with_backoff,
        circuit_breaker=iv.CircuitBreakerPolicy(),
        rate_limit=iv.RateLimitPolicy(),
    ) as client:
        with scope:
            await client.jobs.get("j1")
        assert scope.cancelled_caught
        job = await client.jobs.get("j1")
        assert job.id == job_json()["id"]
        assert client._shared.rate_limit is not None
        assert client._shared.rate_limit._in_flight == 0
        assert client._shared.rate_limit.wait_time == 0


def test_help_documents_every_constructor_parameter() -> None:
    """help(AsyncClient) describes each constructor parameter and names no private helper."""
    import inspect
    import pydoc
    import re

    text = pydoc.render_doc(iv.AsyncClient, renderer=pydoc.plaintext)
    parameters = list(inspect.signature(iv.AsyncClient.__init__).parameters)[1:]
    assert len(parameters) >= 10
    for name in parameters:
        assert re.search(rf"^[ |]+{name}: \S", text, re.MULTILINE), f"{name} is not documented"
    assert re.findall(r"(?<![\w])_[a-z]\w*", text) == []
