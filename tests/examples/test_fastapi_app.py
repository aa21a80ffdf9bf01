"""examples/fastapi_app.py through httpx.ASGITransport, its lifespan driven, against the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from tests.http_family import httpx

pytest.importorskip("fastapi")
pytest.importorskip("asgi_lifespan")

from asgi_lifespan import LifespanManager

from examples.fastapi_app import create_app
from instaview_async import AsyncClient
from tests.examples.conftest import FakeSetup, failing_api_client

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def running(fake_api: FakeSetup) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan running, and an httpx client that calls it in process."""
    app = create_app(client_factory=fake_api.client)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            yield http


async def test_lists_jobs_through_the_shared_client(fake_api: FakeSetup) -> None:
    """GET /jobs answers with the job that exists on the fake."""
    async with running(fake_api) as http:
        response = await http.get("/jobs")
    assert response.status_code == 200
    assert [job["id"] for job in response.json()] == [fake_api.job_id]


async def test_creates_a_candidate_for_a_job(fake_api: FakeSetup) -> None:
    """POST /jobs/{id}/candidates creates the candidate on the fake, assigned to the job."""
    body = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    async with running(fake_api) as http:
        response = await http.post(f"/jobs/{fake_api.job_id}/candidates", json=body)
    assert response.status_code == 201
    created = response.json()
    assert created["job_ids"] == [fake_api.job_id]
    assert created["id"] in fake_api.fake.candidates


async def test_unknown_job_is_404(fake_api: FakeSetup) -> None:
    """A NotFoundError from the API becomes the app's own 404."""
    async with running(fake_api) as http:
        response = await http.get("/jobs/does-not-exist")
    assert response.status_code == 404


async def test_invalid_candidate_is_422_with_the_field(fake_api: FakeSetup) -> None:
    """The SDK's client-side ValidationError becomes a 422 naming the bad field."""
    body = {"first_name": "Ada", "last_name": "Lovelace"}  # neither email nor phone
    async with running(fake_api) as http:
        response = await http.post(f"/jobs/{fake_api.job_id}/candidates", json=body)
    assert response.status_code == 422
    assert response.json()["fields"]


async def test_one_client_for_the_app_lifetime_closed_at_shutdown(fake_api: FakeSetup) -> None:
    """The lifespan makes exactly one client, every request uses it, and shutdown closes it."""
    made: list[AsyncClient] = []

    def factory() -> AsyncClient:
        made.append(fake_api.client())
        return made[-1]

    app = create_app(client_factory=factory)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            for _ in range(3):
                assert (await http.get("/jobs")).status_code == 200
        assert len(made) == 1
        assert not made[0].is_closed
    assert made[0].is_closed


async def test_a_failing_api_is_a_502_not_a_crash() -> None:
    """When the API keeps answering 5xx after the retries, the app answers 502."""
    app = create_app(client_factory=failing_api_client)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            response = await http.get("/jobs")
    assert response.status_code == 502
