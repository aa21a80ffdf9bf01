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
from tests.examples.conftest import FakeSetup
from tests.examples.error_cases import ERROR_CASES, ErrorCase, check_answer

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


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda case: case.id)
async def test_sdk_errors_become_the_right_http_answer(
    fake_api: FakeSetup, case: ErrorCase
) -> None:
    """Each SDK error becomes its own answer: 404, 409, 422, 503 + Retry-After, 502, 500."""
    app = create_app(client_factory=case.make_client(fake_api))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            for call in case.calls:
                path = call.path.format(job=fake_api.job_id)
                response = await http.request(call.method, path, json=call.json)
    check_answer(case, fake_api, response.status_code, response.json(), response.headers)


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
