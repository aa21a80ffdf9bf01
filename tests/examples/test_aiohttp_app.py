"""examples/aiohttp_app.py with aiohttp's own test server and client, against the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

pytest.importorskip("aiohttp")

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from examples.aiohttp_app import create_app
from instaview_async import AsyncClient
from tests.examples.conftest import FakeSetup, failing_api_client

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _asyncio_only(anyio_backend: str) -> None:
    """aiohttp runs on asyncio only; there is nothing to test on trio."""
    if anyio_backend != "asyncio":
        pytest.skip("aiohttp supports asyncio only, not trio")


@asynccontextmanager
async def running(fake_api: FakeSetup) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The app served on a local port by aiohttp's TestServer, and a client for it."""
    async with TestClient(TestServer(create_app(client_factory=fake_api.client))) as http:
        yield http


async def test_lists_jobs_through_the_shared_client(fake_api: FakeSetup) -> None:
    """GET /jobs answers with the job that exists on the fake."""
    async with running(fake_api) as http:
        response = await http.get("/jobs")
        assert response.status == 200
        assert [job["id"] for job in await response.json()] == [fake_api.job_id]


async def test_creates_a_candidate_for_a_job(fake_api: FakeSetup) -> None:
    """POST /jobs/{id}/candidates creates the candidate on the fake, assigned to the job."""
    body = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    async with running(fake_api) as http:
        response = await http.post(f"/jobs/{fake_api.job_id}/candidates", json=body)
        assert response.status == 201
        created = await response.json()
    assert created["job_ids"] == [fake_api.job_id]
    assert created["id"] in fake_api.fake.candidates


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/jobs/does-not-exist", None, 404),
        ("POST", "/jobs/{job}/candidates", {"first_name": "Ada", "last_name": "L"}, 422),
    ],
)
async def test_sdk_errors_become_http_answers(
    fake_api: FakeSetup, method: str, path: str, body: object, status: int
) -> None:
    """NotFoundError becomes 404 and a ValidationError 422, through the app's middleware."""
    async with running(fake_api) as http:
        response = await http.request(method, path.format(job=fake_api.job_id), json=body)
        assert response.status == status


async def test_cleanup_context_closes_the_client(fake_api: FakeSetup) -> None:
    """The cleanup context makes one client at startup and closes it at shutdown."""
    made: list[AsyncClient] = []

    def factory() -> AsyncClient:
        made.append(fake_api.client())
        return made[-1]

    async with TestClient(TestServer(create_app(client_factory=factory))) as http:
        for _ in range(3):
            assert (await http.get("/jobs")).status == 200
        assert len(made) == 1
        assert not made[0].is_closed
    assert made[0].is_closed


async def test_a_failing_api_is_a_502_not_a_crash() -> None:
    """When the API keeps answering 5xx after the retries, the app answers 502."""
    async with TestClient(TestServer(create_app(client_factory=failing_api_client))) as http:
        response = await http.get("/jobs")
        assert response.status == 502
