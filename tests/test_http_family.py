"""httpx2 as an explicitly chosen backend: how the family is chosen, and mixing refused.

These tests name both families themselves, so they run the same on either suite run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import instaview_async as iv
from instaview_async.middleware import CallNext, RequestT, ResponseT
from instaview_async.testing import FakeInstaView

httpx2 = pytest.importorskip("httpx2", reason="httpx2 needs Python 3.11+")

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _no_env_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSTAVIEW_HTTP_BACKEND", raising=False)


def ok(module: Any) -> Callable[[Any], Any]:
    def handler(request: Any) -> Any:
        body = {"success": True, "data": [], "error": None, "timestamp": "2024-01-15T10:30:00Z"}
        return module.Response(200, json=body)

    return handler


def client(**kwargs: Any) -> iv.AsyncClient:
    return iv.AsyncClient(api_key="sk_test_FAMILY", base_url="https://api.test", **kwargs)


def test_httpx_is_the_default_even_though_httpx2_is_importable() -> None:
    """httpx2 is installed here, yet a client given no choice builds httpx requests."""
    assert type(client().build_request("GET", "/jobs")) is httpx.Request


@pytest.mark.parametrize(
    "kwargs",
    [
        {"http_client": httpx2.AsyncClient()},
        {"transport": httpx2.MockTransport(ok(httpx2))},
        {"http_backend": "httpx2"},
        {"http_backend": "httpx2", "http_client": httpx2.AsyncClient()},
    ],
    ids=["http_client", "transport", "http_backend", "both-agree"],
)
def test_httpx2_is_chosen_by_a_client_a_transport_or_the_option(kwargs: dict[str, Any]) -> None:
    assert type(client(**kwargs).build_request("GET", "/jobs")) is httpx2.Request


def test_the_environment_variable_chooses_when_no_argument_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTAVIEW_HTTP_BACKEND", "httpx2")
    assert type(client().build_request("GET", "/jobs")) is httpx2.Request
    # An explicit object outranks the environment.
    assert type(client(http_client=httpx.AsyncClient()).build_request("GET", "/")) is httpx.Request


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTAVIEW_HTTP_BACKEND", "requests")
    with pytest.raises(ValueError, match=r"\$INSTAVIEW_HTTP_BACKEND='requests'"):
        client()


def test_an_unknown_backend_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="http_backend='aiohttp': use 'httpx' or 'httpx2'"):
        client(http_backend="aiohttp")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"http_client": httpx2.AsyncClient(), "transport": httpx.MockTransport(ok(httpx))},
            "http_client is an httpx2.AsyncClient but transport is an httpx transport",
        ),
        (
            {"http_client": httpx.AsyncClient(), "http_backend": "httpx2"},
            "http_client is an httpx.AsyncClient but http_backend='httpx2'",
        ),
        (
            {"transport": httpx2.MockTransport(ok(httpx2)), "http_backend": "httpx"},
            "transport is an httpx2 transport but http_backend='httpx'",
        ),
    ],
    ids=["client-transport", "client-option", "transport-option"],
)
def test_mixing_families_is_a_type_error_at_construction(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=f"HTTP families mixed: {message}; use one family"):
        client(**kwargs)


def test_something_else_as_http_client_is_a_type_error() -> None:
    with pytest.raises(
        TypeError,
        match=r"http_client must be httpx\.AsyncClient or None \(or an httpx2\.AsyncClient\)",
    ):
        client(http_client=object())  # type: ignore[arg-type]


class HttpxOnly:
    async def __call__(self, request: httpx.Request, call_next: CallNext) -> httpx.Response:
        return await call_next(request)


class Httpx2Only:
    async def __call__(
        self, request: httpx2.Request, call_next: CallNext[httpx2.Request, httpx2.Response]
    ) -> httpx2.Response:
        return await call_next(request)


class Either:
    """Generic over the family, like the SDK's own layers: accepted by both."""

    def __init__(self) -> None:
        self.seen: list[type] = []

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        self.seen.append(type(request))
        return await call_next(request)


async def httpx_function(request: httpx.Request, call_next: CallNext) -> httpx.Response:
    return await call_next(request)


@pytest.mark.parametrize(
    ("backend", "middleware", "other"),
    [
        ("httpx2", HttpxOnly(), "httpx"),
        ("httpx", Httpx2Only(), "httpx2"),
        ("httpx2", httpx_function, "httpx"),
    ],
    ids=["httpx-class-on-httpx2", "httpx2-class-on-httpx", "httpx-function-on-httpx2"],
)
def test_a_middleware_of_the_other_family_is_a_type_error(
    backend: str, middleware: Any, other: str
) -> None:
    with pytest.raises(TypeError, match=f"middleware .* takes {other} objects"):
        client(http_backend=backend, middleware=[middleware])


@pytest.mark.parametrize("module", [httpx, httpx2], ids=["httpx", "httpx2"])
async def test_a_generic_middleware_runs_on_either_family(module: Any) -> None:
    either = Either()
    async with client(transport=module.MockTransport(ok(module)), middleware=[either]) as c:
        page = await c.jobs.list()
    assert list(page.items) == []
    assert either.seen == [module.Request]


async def test_both_families_side_by_side_on_one_fake() -> None:
    """One process, one fake, a client of each family: each sees only its own classes."""
    fake = FakeInstaView()
    key = fake.create_api_key()
    async with (
        fake.client(api_key=key) as one,
        fake.client(api_key=key, http_backend="httpx2") as two,
    ):
        made = await two.jobs.create(title="Backend engineer", description="Python, asyncio")
        assert (await one.jobs.get(made.id)).id == made.id
        assert type(one.build_request("GET", "/")) is httpx.Request
        assert type(two.build_request("GET", "/")) is httpx2.Request


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx2.ConnectError("refused"), iv.APIConnectionError),
        (httpx2.ReadTimeout("slow"), iv.APITimeoutError),
        (httpx2.RemoteProtocolError("garbage"), iv.APIConnectionError),
    ],
    ids=["connect", "timeout", "protocol"],
)
async def test_httpx2_errors_become_sdk_errors(error: Exception, expected: type) -> None:
    def fail(request: httpx2.Request) -> httpx2.Response:
        raise error

    async with client(transport=httpx2.MockTransport(fail)) as c:
        with pytest.raises(expected) as caught:
            await c.jobs.get("j1")
    assert type(caught.value) is expected
    assert caught.value.__cause__ is error


async def test_a_timeout_of_the_other_family_is_converted() -> None:
    seen: list[Any] = []

    def record(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.extensions["timeout"])
        return ok(httpx2)(request)  # type: ignore[no-any-return]

    transport = httpx2.MockTransport(record)
    async with client(transport=transport, timeout=httpx.Timeout(3.0, connect=1.0)) as c:
        await c.jobs.list()
        await c.with_options(timeout=httpx2.Timeout(7.0)).jobs.list()
    assert seen[0] == {"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert seen[1]["read"] == 7.0


def test_without_httpx2_installed_asking_for_it_says_how_to_install() -> None:
    """Choosing httpx2 where it is not installed fails with the pip command; httpx still works."""
    code = """
import sys
sys.modules["httpx2"] = None  # as if not installed
import instaview_async as iv
iv.AsyncClient(api_key="k").build_request("GET", "/")
try:
    iv.AsyncClient(api_key="k", http_backend="httpx2")
except ImportError as exc:
    print(exc)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "the httpx2 backend needs httpx2: pip install 'instaview-async[httpx2]'"


def test_importing_the_sdk_does_not_import_httpx2() -> None:
    code = "import sys, instaview_async, instaview_async.testing; print('httpx2' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert json.loads(out.strip().lower()) is False
