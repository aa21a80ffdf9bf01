"""AiohttpTransport: the SDK over aiohttp's pool, against a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from tests.http_family import httpx

pytest.importorskip("aiohttp")

from aiohttp import web
from aiohttp.test_utils import TestServer

import instaview_async as iv
from instaview_async.transports.aiohttp import AiohttpTransport
from tests.helpers import job_json

pytestmark = pytest.mark.anyio


@pytest.fixture
def asyncio_only(anyio_backend: str) -> None:
    """aiohttp runs on asyncio only: the transport's tests have nothing to run on trio."""
    if anyio_backend != "asyncio":
        pytest.skip("aiohttp supports asyncio only; trio users keep httpx's default transport")


def _envelope(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data, "error": None, "timestamp": "2024-01-15T10:30:00Z"}


class Seen:
    """What the server received, for assertions."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []


def _app(seen: Seen) -> web.Application:
    async def record(request: web.Request) -> None:
        body = await request.read()
        seen.requests.append((request.method, request.path_qs, dict(request.headers), body))

    async def get_job(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response(_envelope(job_json(id=request.match_info["job_id"])))

    async def create_job(request: web.Request) -> web.Response:
        await record(request)
        fields = json.loads(await request.read())
        return web.json_response(_envelope(job_json(title=fields["title"])), status=201)

    async def missing(request: web.Request) -> web.Response:
        await record(request)
        error = {"code": "RESOURCE_NOT_FOUND", "message": "Job not found", "details": None}
        body = {"success": False, "data": None, "error": error}
        return web.json_response(body, status=404, headers={"X-Request-Id": "req_42"})

    async def gzipped(request: web.Request) -> web.Response:
        await record(request)
        raw = gzip.compress(json.dumps(_envelope(job_json(title="zipped"))).encode())
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return web.Response(body=raw, headers=headers)

    async def repeated(request: web.Request) -> web.Response:
        await record(request)
        response = web.json_response(_envelope(None))
        response.headers.add("X-Multi", "one")
        response.headers.add("X-Multi", "two")
        return response

    async def slow(request: web.Request) -> web.Response:
        await record(request)
        await asyncio.sleep(5)
        return web.json_response(_envelope(None))

    app = web.Application()
    app.router.add_get("/jobs/slow", slow)
    app.router.add_get("/jobs/missing", missing)
    app.router.add_get("/jobs/zipped", gzipped)
    app.router.add_get("/jobs/{job_id}", get_job)
    app.router.add_post("/jobs", create_job)
    app.router.add_get("/repeated", repeated)
    return app


@asynccontextmanager
async def serving(seen: Seen) -> AsyncIterator[str]:
    """The app on a free 127.0.0.1 port; yields its base URL."""
    server = TestServer(_app(seen), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@asynccontextmanager
async def sdk(base_url: str, **options: Any) -> AsyncIterator[iv.AsyncClient]:
    """An SDK client sending through a fresh AiohttpTransport."""
    async with iv.AsyncClient(
        api_key="sk_test", base_url=base_url, transport=AiohttpTransport(), **options
    ) as client:
        yield client


@pytest.mark.usefixtures("asyncio_only")
async def test_get_returns_the_job_and_sends_the_sdk_headers() -> None:
    """jobs.get over aiohttp decodes the job; the server sees the key, query and user agent."""
    seen = Seen()
    async with serving(seen) as base_url, sdk(base_url, company_id="c 1") as client:
        job = await client.jobs.get("job_1")
    assert job.id == "job_1"
    method, path_qs, headers, _ = seen.requests[0]
    assert (method, path_qs) == ("GET", "/jobs/job_1?companyId=c+1")
    assert headers["Authorization"] == "Bearer sk_test"
    assert headers["User-Agent"].startswith("instaview-async/")


@pytest.mark.usefixtures("asyncio_only")
async def test_post_sends_the_json_body_and_idempotency_key_intact() -> None:
    """A POST arrives with its JSON body, its Content-Length and the caller's Idempotency-Key."""
    seen = Seen()
    async with serving(seen) as base_url, sdk(base_url) as client:
        job = await client.jobs.create(title="Tester", description="d", idempotency_key="key-1")
    assert job.title == "Tester"
    _, _, headers, body = seen.requests[0]
    assert json.loads(body) == {"title": "Tester", "description": "d"}
    assert headers["Content-Length"] == str(len(body))
    assert headers["Idempotency-Key"] == "key-1"
    assert "Transfer-Encoding" not in headers


@pytest.mark.usefixtures("asyncio_only")
async def test_a_streamed_request_body_is_sent_whole_with_a_length() -> None:
    """A body httpx would send chunked arrives whole, with Content-Length and no chunking."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"title": "Streamed", '
        yield b'"description": "d"}'

    seen = Seen()
    async with serving(seen) as base_url, httpx.AsyncClient(transport=AiohttpTransport()) as http:
        response = await http.post(f"{base_url}/jobs", content=chunks())
    assert response.status_code == 201
    _, _, headers, body = seen.requests[0]
    assert json.loads(body) == {"title": "Streamed", "description": "d"}
    assert headers["Content-Length"] == str(len(body))
    assert "Transfer-Encoding" not in headers


@pytest.mark.usefixtures("asyncio_only")
async def test_an_error_reply_maps_to_its_exception_with_the_request_id() -> None:
    """A 404 envelope raises NotFoundError carrying the server's x-request-id."""
    async with serving(Seen()) as base_url, sdk(base_url) as client:
        with pytest.raises(iv.NotFoundError) as caught:
            await client.jobs.get("missing")
    assert caught.value.request_id == "req_42"
    assert caught.value.code == "RESOURCE_NOT_FOUND"


@pytest.mark.usefixtures("asyncio_only")
async def test_gzip_bodies_are_decoded_once_by_httpx() -> None:
    """A gzip reply is handed to httpx still encoded, and httpx decodes it exactly once."""
    async with serving(Seen()) as base_url, sdk(base_url) as client:
        job = await client.jobs.get("zipped")
    assert job.title == "zipped"


@pytest.mark.usefixtures("asyncio_only")
async def test_repeated_response_headers_are_all_kept() -> None:
    """Headers sent twice reach httpx as two entries, in order."""
    async with serving(Seen()) as base_url, httpx.AsyncClient(transport=AiohttpTransport()) as http:
        response = await http.get(f"{base_url}/repeated")
    assert response.headers.get_list("x-multi") == ["one", "two"]
    assert response.http_version == "HTTP/1.1"
    assert response.reason_phrase == "OK"


@pytest.mark.usefixtures("asyncio_only")
async def test_a_refused_connection_is_an_api_connection_error() -> None:
    """Nothing listening: APIConnectionError whose cause is httpx.ConnectError."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with sdk(f"http://127.0.0.1:{port}", retry=None) as client:
        with pytest.raises(iv.APIConnectionError) as caught:
            await client.jobs.get("job_1")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.usefixtures("asyncio_only")
async def test_a_slow_reply_is_an_api_timeout_error() -> None:
    """A reply slower than the read timeout: APITimeoutError whose cause is httpx.ReadTimeout."""
    async with serving(Seen()) as base_url, sdk(base_url, retry=None, timeout=0.2) as client:
        with pytest.raises(iv.APITimeoutError) as caught:
            await client.jobs.get("slow")
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


@pytest.mark.usefixtures("asyncio_only")
async def test_aclose_closes_its_own_session_but_not_one_passed_in() -> None:
    """The transport closes the session it made; a caller's session stays open for its owner."""
    import aiohttp

    own = AiohttpTransport()
    async with serving(Seen()) as base_url:
        async with httpx.AsyncClient(transport=own) as http:
            assert (await http.get(f"{base_url}/jobs/a")).status_code == 200
        assert own._session is None
        with pytest.raises(RuntimeError, match="closed"):
            await own.handle_async_request(httpx.Request("GET", f"{base_url}/jobs/a"))
        async with aiohttp.ClientSession(auto_decompress=False) as session:
            async with httpx.AsyncClient(transport=AiohttpTransport(session=session)) as http:
                assert (await http.get(f"{base_url}/jobs/b")).status_code == 200
            assert not session.closed


async def test_on_trio_it_says_it_needs_asyncio(anyio_backend: str) -> None:
    """Under trio the transport refuses with a clear error instead of failing inside aiohttp."""
    if anyio_backend != "trio":
        pytest.skip("this test is about running under trio")
    async with httpx.AsyncClient(transport=AiohttpTransport()) as http:
        with pytest.raises(RuntimeError, match="asyncio event loop"):
            await http.get("http://127.0.0.1:9/")


def test_the_core_package_never_imports_aiohttp() -> None:
    """``import instaview_async`` (and its transports package) leaves aiohttp unimported."""
    code = (
        "import sys, instaview_async, instaview_async.transports; print('aiohttp' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "False"
